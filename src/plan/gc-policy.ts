import type { TomlTable } from 'smol-toml'
import { GC_SIZE_INPUTS, type DiskSpace, type GcInputs } from '../inputs/gc-inputs.js'
import { InputError } from '../inputs/input-error.js'
import { isTable } from '../inputs/config-wording.js'
import { dottedKey } from './buildkitd-toml.js'

// The `gc-*` inputs as buildkitd.toml GC policies. BuildKit reads GC from `[worker.oci]` (and
// `[worker.containerd]`): `gc`, top-level sizes from which it derives four default policies when
// no `[[gcpolicy]]` is written (cmd/buildkitd/config/gcpolicy.go DefaultGCPolicy), or the policies
// themselves. No top-level key holds a duration, so the action writes the four policies BuildKit
// would derive, with `gc-keep-duration` in place of the 60 days of the second: one shape whatever
// is set, and `buildctl debug workers --verbose` shows exactly what was asked.
//
// The field names changed in BuildKit v0.17: `maxUsedSpace`, `reservedSpace`, `minFreeSpace`
// (v0.17+, where a policy's old `keepBytes` is read as `reservedSpace`) replace `keepBytes`
// (v0.16 and before, which ignore the new names and would keep no budget at all).

/** Which GC fields the builder's BuildKit reads. */
export type GcKeys = 'spaces' | 'keepBytes'

/**
 * The GC fields of the BuildKit an image runs, from its tag: `v0.16.x` and older (with any suffix,
 * `-rootless`) read `keepBytes`; any other tag (`buildx-stable-1`, buildx's default, and `latest`
 * follow the newest release), a digest or a local name, the current fields. Only the tag says,
 * before the builder exists; a custom image tagged otherwise is taken as current.
 */
export function gcKeysForImage(image: string): GcKeys {
  const tag = /:([\w][\w.-]*)(@|$)/.exec(image.slice(image.lastIndexOf('/') + 1))?.[1]
  const version = tag && /^v?(\d+)\.(\d+)(\.|$|-)/.exec(tag)
  if (!version) return 'spaces'
  return Number(version[1]) === 0 && Number(version[2]) < 17 ? 'keepBytes' : 'spaces'
}

/**
 * BuildKit's first default policy: cheap-to-redo data (local context, cache mounts, git checkouts) beyond 512 MB,
 * unused for 2 days.
 */
const RECREATABLE = ['type==source.local,type==exec.cachemount,type==source.git.checkout']
const RECREATABLE_BYTES = String(512 * 1e6)
/** The second default policy's age, as BuildKit sets it (60 days). */
const DEFAULT_KEEP_DURATION = '1440h'
/** BuildKit's default shares of the disk (gcpolicy_unix.go), for a budget given only as a duration. */
const DEFAULT_SPACES = { maxUsedSpace: '80%', reservedSpace: '10%', minFreeSpace: '20%' }
/** v0.16's default keepBytes share (DiskSpacePercentage). */
const DEFAULT_KEEP_BYTES = '10%'
const SPACES_KEYS = 'maxUsedSpace/reservedSpace/minFreeSpace, BuildKit v0.17 and later'

export interface GcPlan {
  /** `[worker.oci]` and `[worker.containerd]` entries: `gc` and `gcpolicy`. */
  worker: TomlTable
  /** The budget the summary compares the builder's disk to: `gc-max-used-space`. */
  budget?: DiskSpace
  note: string
}

/** The GC settings for `gc` on a builder booting `image`. Pure; an InputError for a field that BuildKit lacks. */
export function planGc(gc: GcInputs, image: string): GcPlan {
  const keys = gcKeysForImage(image)
  const limits = keys === 'spaces' ? spaceLimits(gc) : keepBytesLimit(gc, image)
  const policies: TomlTable[] = [
    {
      filters: RECREATABLE,
      keepDuration: '48h',
      [keys === 'spaces' ? 'maxUsedSpace' : 'keepBytes']: RECREATABLE_BYTES
    },
    { keepDuration: gc.keepDuration ?? DEFAULT_KEEP_DURATION, ...limits },
    { ...limits },
    { all: true, ...limits }
  ]
  const fields = Object.entries(limits)
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ')
  return {
    worker: { gc: true, gcpolicy: policies },
    budget: gc.maxUsedSpace,
    note:
      `Builder GC: BuildKit's four policies with ${fields}` +
      (gc.keepDuration ? `, unused data older than ${gc.keepDuration} goes first` : '') +
      ` (${keys === 'spaces' ? SPACES_KEYS : 'keepBytes, BuildKit before v0.17'}, as image ${image} reads them)`
  }
}

function spaceLimits(gc: GcInputs): TomlTable {
  const given: TomlTable = {}
  for (const field of Object.values(GC_SIZE_INPUTS)) {
    const space = gc[field]
    if (space) given[field] = space.text
  }
  return Object.keys(given).length > 0 ? given : { ...DEFAULT_SPACES }
}

/** v0.16 and before: one `keepBytes` per policy, the most the cache keeps. */
function keepBytesLimit(gc: GcInputs, image: string): TomlTable {
  for (const [input, field] of Object.entries(GC_SIZE_INPUTS))
    if (field !== 'maxUsedSpace' && gc[field])
      throw new InputError(
        input,
        `needs BuildKit v0.17 or later (\`${field}\`), and the builder's image ${image} is older`,
        'boot a newer BuildKit (`driver-opts: image=moby/buildkit:buildx-stable-1`), or set only ' +
          '`gc-max-used-space` (`keepBytes` in older BuildKit)'
      )
  return { keepBytes: gc.maxUsedSpace?.text ?? DEFAULT_KEEP_BYTES }
}

/** The GC keys of a worker that the written policies make BuildKit ignore or that they replace. */
const BASE_GC_KEYS = ['gc', 'gckeepstorage', 'reservedSpace', 'maxUsedSpace', 'minFreeSpace', 'gcpolicy']

/**
 * The base config without its workers' GC keys, which the inputs replace (as they replace any other
 * key: the log warns of each), and the keys taken out. Top-level sizes left beside written policies
 * would read as in force while BuildKit ignores them.
 */
export function withoutBaseGc(base: TomlTable | undefined): { table: TomlTable | undefined; removed: string[] } {
  const workers = base?.worker
  if (!base || typeof workers !== 'object' || workers === null || Array.isArray(workers))
    return { table: base, removed: [] }
  const removed: string[] = []
  const newWorkers: TomlTable = { ...(workers as TomlTable) }
  for (const [kind, worker] of Object.entries(newWorkers)) {
    if (!isTable(worker)) continue
    const kept: TomlTable = { ...worker }
    for (const key of BASE_GC_KEYS)
      if (key in kept) {
        delete kept[key]
        removed.push(dottedKey(['worker', kind, key]))
      }
    newWorkers[kind] = kept
  }
  return { table: { ...base, worker: newWorkers }, removed }
}
