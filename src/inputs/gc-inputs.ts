import { driverCapabilities, type Driver } from '../driver.js'
import { InputError } from './input-error.js'
import type { InputName } from './input-names.js'

// The disk budget of the builder's cache: `gc-max-used-space`, `gc-reserved-space`,
// `gc-min-free-space` (buildx prune's flags, BuildKit's GC policy fields) and `gc-keep-duration`.
// Each is read as BuildKit reads the same field of buildkitd.toml (moby/buildkit
// cmd/buildkitd/config/gcpolicy.go, v0.16 to v0.20: DiskSpace.UnmarshalText, Duration.UnmarshalText),
// so what passes here BuildKit takes, and what BuildKit would refuse (and then not boot) is an
// InputError before anything is made.

/** A size as BuildKit's DiskSpace holds it: bytes, or a share of the disk BuildKit's state is on. */
export type DiskSpace = { text: string; bytes: number } | { text: string; percent: number }

export interface GcInputs {
  maxUsedSpace?: DiskSpace
  reservedSpace?: DiskSpace
  minFreeSpace?: DiskSpace
  /** A Go duration as written (`48h`), or whole seconds. */
  keepDuration?: string
}

/** The inputs, in the order the docs list them, with the policy field each sets. */
export const GC_SIZE_INPUTS = {
  'gc-max-used-space': 'maxUsedSpace',
  'gc-reserved-space': 'reservedSpace',
  'gc-min-free-space': 'minFreeSpace'
} as const

type GcSizeInput = keyof typeof GC_SIZE_INPUTS

/** Every GC input: the sizes, then the duration. */
const GC_INPUTS: InputName[] = [...(Object.keys(GC_SIZE_INPUTS) as GcSizeInput[]), 'gc-keep-duration']

/**
 * units.RAMInBytes (docker/go-units), which DiskSpace uses: a number, an optional space, then
 * b, k, m, g, t or p, optionally followed by `b` or `ib`, any case. The multiples are binary
 * whatever the spelling: `512MB` is 512 × 1024², as BuildKit counts it.
 */
const SIZE = /^(\d+(?:\.\d+)?) ?(?:([kmgtp])(?:i?b)?|b)?$/i
const MULTIPLE: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 }

/** A size input's value; undefined when empty. */
export function parseDiskSpace(input: string, value: string): DiskSpace | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const percent = /^(\d+)%$/.exec(text)
  if (percent) {
    const share = Number(percent[1])
    if (share >= 1 && share <= 100) return { text, percent: share }
  } else {
    const size = SIZE.exec(text)
    if (size) {
      const bytes = Math.floor(Number(size[1]) * (size[2] ? MULTIPLE[size[2].toLowerCase()] : 1))
      if (bytes > 0 && Number.isSafeInteger(bytes)) return { text, bytes }
    }
  }
  throw new InputError(
    input,
    `'${text}' is not a size BuildKit takes`,
    'write bytes with a unit, `512MB`, `10GB` or `1.5TB` (BuildKit counts 1 MB as 1024² bytes; `MiB` means the ' +
      'same), or a share of the disk from 1% to 100% such as `20%`'
  )
}

/** Go's time.ParseDuration (units ns, us, µs, ms, s, m, h: no days), or whole seconds. */
const GO_DURATION = /^((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/

/** `gc-keep-duration`; undefined when empty. */
export function parseKeepDuration(value: string): string | undefined {
  const text = value.trim()
  if (text === '') return undefined
  if ((GO_DURATION.test(text) || /^\d+$/.test(text)) && /[1-9]/.test(text)) return text
  const days = /^(\d+)\s*d(ays?)?$/i.exec(text)
  throw new InputError(
    'gc-keep-duration',
    `'${text}' is not a duration BuildKit takes`,
    days
      ? `write hours: \`${Number(days[1]) * 24}h\` (Go durations have no days)`
      : 'write a Go duration such as `48h` or `1h30m` (units h, m, s), or whole seconds'
  )
}

/** The GC inputs, from a reader of inputs by name; undefined when none is set. */
export function readGcInputs(getInput: (name: InputName) => string, driver: Driver): GcInputs | undefined {
  const gc: GcInputs = {}
  for (const input of Object.keys(GC_SIZE_INPUTS) as GcSizeInput[]) {
    const space = parseDiskSpace(input, getInput(input))
    if (space) gc[GC_SIZE_INPUTS[input]] = space
  }
  const keepDuration = parseKeepDuration(getInput('gc-keep-duration'))
  if (keepDuration) gc.keepDuration = keepDuration
  const given = GC_INPUTS.find(input => getInput(input).trim() !== '')
  if (given === undefined) return undefined
  // The docker driver's builder is the daemon's (its GC is daemon.json's `builder.gc`); a remote
  // buildkitd reads its own config, which buildx cannot pass it.
  const { takesConfig, gcFix } = driverCapabilities(driver)
  if (!takesConfig)
    throw new InputError(
      given,
      `cannot apply with \`driver: ${driver}\`: that builder reads no buildkitd.toml from the action`,
      gcFix ?? 'use `driver: docker-container`, or drop the input'
    )
  return gc
}
