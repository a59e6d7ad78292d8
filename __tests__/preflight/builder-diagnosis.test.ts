import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { diagnoseFromBuilder, mergeBuilderSide, readBuilderSide } from '../../src/preflight/builder-diagnosis.js'
import type { PreflightResult } from '../../src/preflight/preflight.js'

const REGISTRY: PlannedRegistry = {
  host: parseHost('registry:5000', 'registries', 2),
  transport: 'http',
  mode: 'http',
  source: 'registries',
  line: 2,
  written: ['http'],
  ca: ''
}
const OK = { ok: true, kind: 'registry' as const, message: 'a registry answered (GET /v2/: 200)', fix: '' }

describe("busybox nc's answer from inside the BuildKit container", () => {
  it.each([
    [0, '', 'done'],
    [1, "nc: bad address 'registry'", 'resolve'],
    [1, "nc: can't connect to remote host (172.18.0.2): Connection refused", 'connect'],
    [137, '', 'connect'],
    [126, 'OCI runtime exec failed: exec: "busybox": executable file not found in $PATH: unknown', 'unchecked'],
    [1, 'Error response from daemon: Container 4f2c is not running', 'unchecked']
  ])('exit %i, %j: %s', (exitCode, stderr, stage) => {
    expect(readBuilderSide(exitCode, stderr, 5).stage).toBe(stage)
  })

  it('a hung lookup or connection says how long it waited', () => {
    expect(readBuilderSide(137, '', 5).detail).toBe('no answer within 5 s: the DNS lookup or the connection hung')
  })
})

describe('the verdict with the builder’s side', () => {
  it('a registry this step reached that the builder does not resolve fails, in nc’s words, with a fix', () => {
    const verdict = diagnoseFromBuilder(
      REGISTRY,
      OK,
      { stage: 'resolve', detail: "nc: bad address 'registry'" },
      undefined,
      'bridge'
    )
    expect(verdict).toEqual({
      ok: false,
      kind: 'builder-unresolved',
      message:
        "the builder (network=bridge) does not resolve registry, which this step reached (nc: bad address 'registry')",
      fix: "choose a network where registry resolves (`network=` in `driver-opts`; `network=host` shares this runner's), or check the host on line 2 of `registries`"
    })
  })

  it('on the default bridge, the fix says so', () => {
    const verdict = diagnoseFromBuilder(REGISTRY, OK, { stage: 'connect', detail: 'refused' }, undefined, undefined)
    expect(verdict.kind).toBe('builder-unreachable')
    expect(verdict.message).toContain("the builder (on the Docker daemon's default bridge network) resolves registry")
    expect(verdict.fix).toContain("give registry a DNS record the Docker daemon's containers resolve")
  })

  it("the plan's finding stands when nothing could be looked at, and gives its fix to what was", () => {
    const finding = { host: 'registry:5000', message: 'will not resolve', fix: 'remove `network=bridge`' }
    expect(diagnoseFromBuilder(REGISTRY, OK, undefined, finding, 'bridge')).toMatchObject({
      ok: false,
      message: 'will not resolve',
      fix: 'remove `network=bridge`'
    })
    expect(
      diagnoseFromBuilder(REGISTRY, OK, { stage: 'resolve', detail: 'nc: bad address' }, finding, 'bridge').fix
    ).toBe('remove `network=bridge`')
    // Resolved from the builder after all (a DNS record too): the look wins.
    expect(diagnoseFromBuilder(REGISTRY, OK, { stage: 'done', detail: '' }, finding, 'bridge')).toBe(OK)
  })

  it("this step's own failure comes first", () => {
    const failed = { ok: false, kind: 'unreachable' as const, message: 'connection refused', fix: 'check' }
    expect(diagnoseFromBuilder(REGISTRY, failed, { stage: 'resolve', detail: '' }, undefined, 'bridge')).toBe(failed)
  })

  it('merges into the results by host, keeping the rest of each result', () => {
    const results: PreflightResult[] = [{ host: 'registry:5000', mode: 'http', ms: 12, ...OK }]
    const looks = new Map([['registry:5000', { stage: 'resolve' as const, detail: 'nc: bad address' }]])
    expect(mergeBuilderSide(results, [REGISTRY], looks, { findings: [], network: 'bridge' })).toEqual([
      expect.objectContaining({ host: 'registry:5000', mode: 'http', ms: 12, ok: false, kind: 'builder-unresolved' })
    ])
  })
})
