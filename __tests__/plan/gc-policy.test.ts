import { parse, stringify } from 'smol-toml'
import { checkBuildkitdConfig } from '../../src/inputs/check-buildkitd-config.js'
import { InputError } from '../../src/inputs/input-error.js'
import { planOf } from '../helpers/plan.js'
import { builderInputs } from '../helpers/inputs.js'
import { gcKeysForImage, planGc, withoutBaseGc } from '../../src/plan/gc-policy.js'

const GB10 = { text: '10GB', bytes: 10 * 2 ** 30 }
const RECREATABLE = ['type==source.local,type==exec.cachemount,type==source.git.checkout']

describe("the GC keys the builder's BuildKit reads, from its image's tag", () => {
  it.each([
    ['moby/buildkit:buildx-stable-1', 'spaces'],
    ['moby/buildkit:latest', 'spaces'],
    ['moby/buildkit', 'spaces'],
    ['moby/buildkit:v0.17.0', 'spaces'],
    ['local/buildkit:v0.20.2', 'spaces'],
    ['registry:5000/moby/buildkit:v0.16.0', 'keepBytes'],
    ['moby/buildkit:v0.12.5-rootless', 'keepBytes'],
    ['moby/buildkit:0.16', 'keepBytes'],
    ['moby/buildkit@sha256:0123456789abcdef0123456789abcdef', 'spaces']
  ])('%s: %s', (image, keys) => {
    expect(gcKeysForImage(image)).toBe(keys)
  })
})

describe('planGc', () => {
  it("v0.17 and later: BuildKit's four default policies with the inputs' sizes, gc on", () => {
    const plan = planGc({ maxUsedSpace: GB10, minFreeSpace: { text: '20%', percent: 20 } }, 'moby/buildkit:v0.20.2')
    const limits = { maxUsedSpace: '10GB', minFreeSpace: '20%' }
    expect(plan.worker).toEqual({
      gc: true,
      gcpolicy: [
        { filters: RECREATABLE, keepDuration: '48h', maxUsedSpace: '512000000' },
        { keepDuration: '1440h', ...limits },
        limits,
        { all: true, ...limits }
      ]
    })
    expect(plan.budget).toEqual(GB10)
    expect(plan.note).toContain('maxUsedSpace 10GB, minFreeSpace 20%')
  })

  it('gc-keep-duration replaces the second policy’s 60 days', () => {
    const plan = planGc({ maxUsedSpace: GB10, keepDuration: '168h' }, 'moby/buildkit:buildx-stable-1')
    expect((plan.worker.gcpolicy as object[])[1]).toEqual({ keepDuration: '168h', maxUsedSpace: '10GB' })
  })

  it("only a duration: BuildKit's default shares of the disk bound the cache", () => {
    const plan = planGc({ keepDuration: '48h' }, 'moby/buildkit:buildx-stable-1')
    expect((plan.worker.gcpolicy as object[])[2]).toEqual({
      maxUsedSpace: '80%',
      reservedSpace: '10%',
      minFreeSpace: '20%'
    })
    expect(plan.budget).toBeUndefined()
  })

  it('before v0.17: keepBytes', () => {
    const plan = planGc({ maxUsedSpace: GB10 }, 'moby/buildkit:v0.16.0')
    expect(plan.worker.gcpolicy).toEqual([
      { filters: RECREATABLE, keepDuration: '48h', keepBytes: '512000000' },
      { keepDuration: '1440h', keepBytes: '10GB' },
      { keepBytes: '10GB' },
      { all: true, keepBytes: '10GB' }
    ])
    expect(plan.note).toContain('keepBytes, BuildKit before v0.17')
  })

  it('before v0.17, gc-reserved-space has no field: an InputError naming it', () => {
    expect(() => planGc({ reservedSpace: GB10 }, 'moby/buildkit:v0.16.0')).toThrow(InputError)
    expect(() => planGc({ reservedSpace: GB10 }, 'moby/buildkit:v0.16.0')).toThrow(/gc-reserved-space.*v0\.17/)
  })
})

describe('withoutBaseGc', () => {
  it("takes the workers' GC keys out of the base config and names them", () => {
    const base = {
      debug: true,
      worker: { oci: { gc: false, gckeepstorage: '1GB', gcpolicy: [{ keepBytes: '1GB' }], 'max-parallelism': 2n } }
    }
    expect(withoutBaseGc(base)).toEqual({
      table: { debug: true, worker: { oci: { 'max-parallelism': 2n } } },
      removed: ['worker.oci.gc', 'worker.oci.gckeepstorage', 'worker.oci.gcpolicy']
    })
  })

  it('no base config, or no workers: nothing removed', () => {
    expect(withoutBaseGc(undefined)).toEqual({ table: undefined, removed: [] })
    expect(withoutBaseGc({ debug: true }).removed).toEqual([])
  })
})

describe("the plan: gc-* inputs and a base config's own GC settings", () => {
  it('the inputs win: the base GC keys go, each named for the warning, and the rest of the worker stays', () => {
    const base = parse(
      '[worker.oci]\ngckeepstorage = "20GB"\nmax-parallelism = 2\n[[worker.oci.gcpolicy]]\nkeepBytes = "1GB"\n'
    )
    const plan = planOf(
      {
        config: {
          registries: [],
          mirrors: [],
          debug: false,
          baseConfig: { table: base, input: 'buildkitd-config-inline' },
          gc: { maxUsedSpace: GB10 }
        },
        builder: builderInputs({ driverOpts: ['image=moby/buildkit:v0.20.2'] }),
        host: { installConfig: '', credentials: [], daemonTrust: 'off', reclaim: true }
      },
      '/runner/temp/job'
    )
    expect(plan.overridden).toEqual(['worker.oci.gckeepstorage', 'worker.oci.gcpolicy'])
    const oci = (parse(plan.toml).worker as Record<string, Record<string, unknown>>).oci
    expect(oci.gckeepstorage).toBeUndefined()
    expect(oci['max-parallelism']).toBe(2)
    expect(oci.gcpolicy).toHaveLength(4)
    expect(plan.gcBudget).toEqual(GB10)
    expect(plan.notes.at(-1)).toMatch(/^Builder GC: .*maxUsedSpace 10GB/)
  })
})

describe('the config check takes what planGc writes, in both BuildKit generations', () => {
  it.each(['moby/buildkit:v0.20.2', 'moby/buildkit:v0.16.0'])('%s: no error, no warning', image => {
    const gc = { maxUsedSpace: GB10, keepDuration: '168h' }
    const toml = stringify({ worker: { oci: planGc(gc, image).worker } })
    const check = checkBuildkitdConfig(parse(toml, { integersAsBigInt: true }))
    expect(check.errors).toEqual([])
    expect(check.warnings).toEqual([])
  })
})
