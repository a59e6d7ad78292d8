import type { TomlPrimitive } from 'smol-toml'
import { assign, show, wrongType, type Finding } from './config-wording.js'
import type { KeyPath } from './toml-lines.js'

// The values BuildKit parses with Go's own rules rather than TOML's types: durations and disk
// sizes. Each answers what is wrong with one value, or nothing; the config check files it.

/** Go's time.ParseDuration: "48h", "1h30m", "1.5s", "-2m" (units ns, us, µs, ms, s, m, h). */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/

/** Duration.UnmarshalText: a Go duration, else whole seconds; an integer is whole seconds too. */
export function durationProblem(value: TomlPrimitive, path: KeyPath): Finding | undefined {
  const key = String(path.at(-1))
  const text = typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value : undefined
  const wants = 'a duration: a string such as "48h" or "1h30m", or whole seconds as an integer'
  if (text === undefined) {
    const fix = typeof value === 'number' ? `write ${assign(key, `${value}s`)}` : `write ${key} = "48h", say`
    return wrongType(path, value, wants, fix)
  }
  if (text === '' || text === '0') return undefined
  const valid = GO_DURATION.test(text) || /^[+-]?\d+$/.test(text)
  if (!valid) {
    const days = /^(\d+)\s*d(ays?)?$/i.exec(text.trim())
    const fix = days
      ? `write ${assign(key, `${Number(days[1]) * 24}h`)} (Go durations have no days)`
      : `write ${key} = "48h", say`
    return {
      path,
      problem: `${show(path)} is ${JSON.stringify(text)}, not ${wants} (BuildKit: invalid duration ${text})`,
      fix
    }
  }
  if (text.startsWith('-')) {
    return {
      path,
      problem: `${show(path)} is negative (${text})`,
      fix: `write ${assign(key, text.slice(1))}`
    }
  }
  return undefined
}

/** DiskSpace.UnmarshalText: "N%" (a whole percentage), else docker/go-units RAMInBytes ("10GB", "512MiB", "1024"). */
export function diskSpaceProblem(value: TomlPrimitive, path: KeyPath): Finding | undefined {
  const key = String(path.at(-1))
  const wants = 'a size: bytes as an integer, or a string such as "10GB", "512MB" or "20%"'
  if (typeof value === 'bigint') {
    if (value < 0n)
      return { path, problem: `${show(path)} is negative (${value})`, fix: `write ${assign(key, -value)}` }
    return undefined
  }
  if (typeof value !== 'string') {
    const fix = typeof value === 'number' ? `write ${assign(key, `${value}GB`)}, say` : `write ${key} = "10GB", say`
    return wrongType(path, value, wants, fix)
  }
  if (value === '') return undefined
  const percent = /^(.*)%$/.exec(value)
  if (percent) {
    if (!/^[+-]?\d+$/.test(percent[1])) {
      return {
        path,
        problem: `${show(path)} is ${JSON.stringify(value)}: a percentage must be a whole number`,
        fix: `write ${assign(key, `${Math.round(Number.parseFloat(percent[1])) || 10}%`)}`
      }
    }
    const share = Number(percent[1])
    if (share < 0 || share > 100) {
      return {
        path,
        problem: `${show(path)} is ${value} of the disk, which cannot be`,
        fix: `write a share between 0% and 100% (${assign(key, '20%')}, say)`
      }
    }
    return undefined
  }
  if (!/^\d+(\.\d+)* ?([kKmMgGtTpP])?[iI]?[bB]?$/.test(value)) {
    return {
      path,
      problem: `${show(path)} is ${JSON.stringify(value)}, not ${wants} (BuildKit: invalid disk space ${value})`,
      fix: `write ${key} = "10GB", say`
    }
  }
  return undefined
}
