import * as core from '@actions/core'
import { InputError } from './input-error.js'

/** One node of `append`, as docker/setup-buildx-action documents it. */
export interface AppendNode {
  name?: string
  endpoint?: string
  driverOpts: string[]
  buildkitdFlags?: string
  /** Comma-separated, as `--platform` takes it. */
  platforms?: string
}

const KEYS = ['name', 'endpoint', 'driver-opts', 'buildkitd-flags', 'platforms']
const FIX =
  'write a YAML list of nodes, each with `name`, `endpoint`, `driver-opts` (a list), `buildkitd-flags`, `platforms`'

/**
 * The `append` input: a YAML list of extra nodes, read with js-yaml as docker/setup-buildx-action
 * reads it (`yaml.load`, src/main.ts). js-yaml is loaded only when `append` is set: it costs
 * about 9 ms to load, which most runs would pay for nothing.
 */
export async function readAppendNodes(text: string): Promise<AppendNode[]> {
  if (text.trim() === '') return []
  const yaml = await import('js-yaml')
  let loaded: unknown
  try {
    loaded = yaml.load(text)
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      throw new InputError('append', `invalid YAML: ${error.reason}`, FIX, error.mark ? error.mark.line + 1 : undefined)
    }
    throw error
  }
  if (loaded === null || loaded === undefined) return []
  if (!Array.isArray(loaded)) throw new InputError('append', 'is not a YAML list', `${FIX}, each starting with \`- \``)
  return loaded.map((node: unknown, index) => appendNode(node, index + 1))
}

function appendNode(node: unknown, number: number): AppendNode {
  const where = `node ${number}`
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new InputError('append', `${where} is not a mapping`, FIX)
  const fields = node as Record<string, unknown>
  // Theirs ignores other keys; so does this, but says so (a typo such as `driver_opts` would drop settings).
  const unknown = Object.keys(fields).filter(key => !KEYS.includes(key))
  if (unknown.length > 0)
    core.warning(`Input 'append', ${where}: ignoring ${unknown.join(', ')} (known keys: ${KEYS.join(', ')})`)
  const text = (key: string): string | undefined => {
    const value = fields[key]
    if (value === undefined || value === null) return undefined
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value)
    throw new InputError('append', `${where}: \`${key}\` is not a string`, FIX)
  }
  const list = (key: string): string[] => {
    const value = fields[key]
    if (value === undefined || value === null) return []
    if (Array.isArray(value) && value.every(item => typeof item === 'string')) return value
    throw new InputError(
      'append',
      `${where}: \`${key}\` is not a list of strings`,
      `write it as a YAML list: \`${key}: [a=1, b=2]\``
    )
  }
  const platforms = Array.isArray(fields.platforms) ? list('platforms').join(',') : text('platforms')
  return {
    name: text('name'),
    endpoint: text('endpoint'),
    driverOpts: list('driver-opts'),
    buildkitdFlags: text('buildkitd-flags'),
    platforms
  }
}
