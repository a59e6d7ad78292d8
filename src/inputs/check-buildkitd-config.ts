import type { TomlPrimitive, TomlTable } from 'smol-toml'
import {
  BUILDKIT_SCHEMA_VERSION as V,
  BUILDKITD_SCHEMA,
  type Field,
  type Schema,
  type TableArray,
  type TableMap,
  type Value
} from './buildkitd-schema.js'
import { checkBuilderSocket } from './config-builder-socket.js'
import { diskSpaceProblem, durationProblem } from './config-go-values.js'
import {
  assign,
  inline,
  isTable,
  nearest,
  notATable,
  scalarText,
  show,
  unknownKey,
  wrongType,
  type Finding
} from './config-wording.js'
import type { KeyPath } from './toml-lines.js'

/** A file the config names that buildx reads on the runner (a registry's CA, a client keypair's half). */
export interface RunnerFile {
  path: KeyPath
  file: string
  kind: 'ca' | 'key' | 'cert'
  /** The `[registry."…"]` section it is in. */
  registry: string
}

export interface ConfigCheck {
  /** Wrong types and impossible values: buildx or BuildKit refuses them (or, for some, buildx panics). */
  errors: Finding[]
  /** Keys and tables BuildKit does not know, and values it ignores: they do nothing. */
  warnings: Finding[]
  files: RunnerFile[]
}

export interface CheckOptions {
  /**
   * The unix socket buildx dials inside the builder (DOCKER_CONTAINER_SOCKET for the
   * docker-container driver): `grpc.address` must keep a unix socket, or the builder never boots.
   */
  builderSocket?: string
}

/**
 * Checks a parsed buildkitd.toml against BuildKit's schema (buildkitd-schema.ts). Pure. `table`
 * must come from smol-toml's parse with `integersAsBigInt: true`, so that integers (bigint) and
 * floats (number) are told apart as go-toml tells them apart.
 */
export function checkBuildkitdConfig(table: TomlTable, options: CheckOptions = {}): ConfigCheck {
  const check: ConfigCheck = { errors: [], warnings: [], files: [] }
  checkTable(table, BUILDKITD_SCHEMA, [], check)
  if (options.builderSocket) checkBuilderSocket(table, options.builderSocket, check.errors)
  return check
}

function checkTable(table: TomlTable, schema: Schema, path: KeyPath, check: ConfigCheck): void {
  for (const [key, value] of Object.entries(table)) {
    const at = [...path, key]
    const field = fieldOf(schema, key)
    if (field === undefined) {
      check.warnings.push(unknownKey(at, Object.keys(schema), isTable(value)))
      continue
    }
    checkField(value, field, at, check)
  }
}

/**
 * The field `key` names. BuildKit's loader (go-toml v1's Unmarshal) takes a key that matches a
 * field's tag exactly, else one that matches it in another case: `[GRPC] ADDRESS` is `grpc.address`
 * to BuildKit (buildx 0.13.1 refuses a string there after storing the builder), so it is checked as that.
 */
function fieldOf(schema: Schema, key: string): Field | undefined {
  if (Object.hasOwn(schema, key)) return schema[key]
  const same = Object.keys(schema).find(name => name.toLowerCase() === key.toLowerCase())
  return same === undefined ? undefined : schema[same]
}

function checkField(value: TomlPrimitive, field: Field, path: KeyPath, check: ConfigCheck): void {
  if (typeof field === 'string') return checkValue(value, { type: field }, path, check)
  if ('type' in field) return checkValue(value, field, path, check)
  if ('table' in field) {
    if (!isTable(value)) return void check.errors.push(notATable(value, path, Object.keys(field.table)))
    return checkTable(value, field.table, path, check)
  }
  if ('tableOf' in field) return checkTableMap(value, field, path, check)
  return checkTableArray(value, field, path, check)
}

function checkTableMap(value: TomlPrimitive, field: TableMap, path: KeyPath, check: ConfigCheck): void {
  if (!isTable(value)) {
    const fix = `write [${show([...path, 'name'])}] headers, one per ${field.keyIs.replace(/^an? /, '')}`
    return void check.errors.push(wrongType(path, value, `a table of tables keyed by ${field.keyIs}`, fix))
  }
  const inRegistry = path.length === 1 && path[0] === 'registry'
  for (const [name, entry] of Object.entries(value)) {
    const at = [...path, name]
    if (!isTable(entry)) {
      check.errors.push(notATable(entry, at, Object.keys(field.tableOf)))
      continue
    }
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(name)
    if (inRegistry && scheme) {
      const host = name.slice(scheme[0].length).replace(/\/.*$/, '')
      check.warnings.push({
        path: at,
        problem:
          `BuildKit matches [registry."…"] keys against host[:port]; ${JSON.stringify(name)} has a scheme ` +
          'and never matches',
        fix: `write [${show([...path, host])}]`
      })
    }
    checkTable(entry, field.tableOf, at, check)
    if (inRegistry) collectFiles(entry, at, name, check)
  }
}

function checkTableArray(value: TomlPrimitive, field: TableArray, path: KeyPath, check: ConfigCheck): void {
  if (!Array.isArray(value) || !value.every(isTable)) {
    const keysBelow = isTable(value) && Object.keys(value).length > 0 ? `, its keys below: ${inline(value)}` : ''
    const fix = `write it as [[${show(path)}]] (two brackets), one such header per entry${keysBelow}`
    const wants = 'an array of tables (buildx refuses or panics on anything else)'
    return void check.errors.push(wrongType(path, value, wants, fix))
  }
  value.forEach((entry, index) => {
    const at = [...path, index]
    checkTable(entry, field.arrayOf, at, check)
    const missing = (field.needs ?? []).filter(key => entry[key] === undefined)
    if (missing.length > 0) {
      check.errors.push({
        path: at,
        problem:
          `an entry of ${show(path)} has no ${missing.join(' and ')}: buildx needs ` +
          `${field.needs?.join(' and ')} in each and stops otherwise`,
        fix: `add ${missing.map(key => `${key} = "…"`).join(' and ')}, or remove the entry${
          path.at(-1) === 'keypair' ? ' and give the client certificate and key in `client-cert` and `client-key`' : ''
        }`
      })
    }
  })
}

/** The CA and keypair files of one [registry."…"] section that buildx reads on the runner. */
function collectFiles(section: TomlTable, path: KeyPath, registry: string, check: ConfigCheck): void {
  const { ca, keypair } = section
  if (Array.isArray(ca)) {
    for (const file of ca)
      if (typeof file === 'string') check.files.push({ path: [...path, 'ca'], file, kind: 'ca', registry })
  }
  if (Array.isArray(keypair)) {
    keypair.forEach((entry, index) => {
      if (!isTable(entry)) return
      for (const kind of ['key', 'cert'] as const) {
        const file = entry[kind]
        if (typeof file === 'string' && file !== '') {
          check.files.push({ path: [...path, 'keypair', index, kind], file, kind, registry })
        }
      }
    })
  }
}

function checkValue(value: TomlPrimitive, spec: Value, path: KeyPath, check: ConfigCheck): void {
  const key = String(path.at(-1))
  const wrong = (wants: string, fix: string): void => void check.errors.push(wrongType(path, value, wants, fix))
  switch (spec.type) {
    case 'string':
      if (typeof value === 'string') return checkString(value, spec, path, check)
      return wrong('a string', `write ${assign(key, scalarText(value))}`)
    case 'bool':
      if (typeof value === 'boolean') return
      if (value === 'true' || value === 'false')
        return wrong('true or false', `write ${assign(key, value === 'true')} (no quotes)`)
      return wrong('true or false', `write ${key} = true or ${key} = false`)
    case 'int':
      if (typeof value === 'bigint') return checkMin(Number(value), spec, path, check)
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()))
        return wrong('a whole number', `write ${assign(key, BigInt(value.trim()))} (no quotes)`)
      if (typeof value === 'number')
        return wrong('a whole number', `write ${assign(key, BigInt(Math.max(0, Math.round(value))))}`)
      return wrong('a whole number', `write ${key} = 4, say`)
    case 'strings': {
      if (!Array.isArray(value)) {
        const fix = isTable(value) ? `write ${key} = [ "…" ]` : `write ${assign(key, [scalarText(value)])}`
        return wrong('a list of strings', fix)
      }
      if (!value.every(item => typeof item === 'string'))
        return wrong('a list of strings', `write ${assign(key, value.map(scalarText))}`)
      for (const item of value as string[]) checkString(item, spec, path, check)
      return
    }
    case 'duration':
      return pushProblem(durationProblem(value, path), check)
    case 'diskSpace':
      return pushProblem(diskSpaceProblem(value, path), check)
    case 'stringMap':
      if (!isTable(value)) return wrong('a table of strings', `write [${show(path)}] with name = "value" lines below`)
      for (const [name, item] of Object.entries(value)) {
        if (typeof item !== 'string')
          check.errors.push(wrongType([...path, name], item, 'a string', `write ${assign(name, scalarText(item))}`))
      }
      return
    case 'anyTable':
      if (!isTable(value)) return wrong('a table', `write [${show(path)}] with its keys below`)
      return
  }
}

function checkString(value: string, spec: Value, path: KeyPath, check: ConfigCheck): void {
  const key = String(path.at(-1))
  if (spec.oneOf && !spec.oneOf.includes(value)) {
    check.errors.push({
      path,
      problem:
        `${show(path)} is ${JSON.stringify(value)}; BuildKit ${V} accepts only ` +
        `${spec.oneOf.map(v => JSON.stringify(v)).join(' or ')} and stops otherwise`,
      fix: `write ${assign(key, nearest(value, spec.oneOf) ?? spec.oneOf[0])}`
    })
  }
  if (spec.listenAddress && !/^(unix|tcp|fd|npipe):\/\/./.test(value)) {
    const meant = value.startsWith('/') ? `unix://${value}` : `tcp://${value.replace(/^[a-z]+:\/\//i, '')}`
    check.errors.push({
      path,
      problem:
        `${show(path)} has ${JSON.stringify(value)}; buildkitd listens only on unix://, tcp://, fd:// or ` +
        'npipe:// addresses and stops otherwise',
      fix: `write ${JSON.stringify(meant)}`
    })
  }
  if (spec.knownValues && !spec.knownValues.includes(value)) {
    const near = nearest(value, spec.knownValues)
    check.warnings.push({
      path,
      problem:
        `${show(path)} has ${JSON.stringify(value)}, which BuildKit ${V} does not know (it knows ` +
        `${spec.knownValues.join(', ')})`,
      fix: near ? `write ${JSON.stringify(near)}` : `remove ${JSON.stringify(value)}`
    })
  }
}

function checkMin(value: number, spec: Value, path: KeyPath, check: ConfigCheck): void {
  if (spec.min === undefined || value >= spec.min) return
  const key = String(path.at(-1))
  check.errors.push({
    path,
    problem: `${show(path)} is ${value}; it cannot be below ${spec.min}`,
    fix:
      key === 'max-parallelism'
        ? `write a positive limit (${key} = 4, say), or remove it (or set the \`max-parallelism\` input) for no limit`
        : `write ${assign(key, BigInt(spec.min))} or more`
  })
}

function pushProblem(problem: Finding | undefined, check: ConfigCheck): void {
  if (problem) check.errors.push(problem)
}
