import type { BuilderInputs } from '../../src/inputs/read-inputs.js'
import { builderFingerprint, changedParts } from '../../src/plan/builder-fingerprint.js'
import { planOf } from '../helpers/plan.js'
import { builderInputs } from '../helpers/inputs.js'

const CREATE = {
  args: ['create', '--name', 'warm', '--config', '/t/job-a/buildkitd.toml', '--use', '--bootstrap'],
  appendArgs: []
}
const files = (dir: string, ca: string) => [
  { path: `${dir}/buildkitd.toml`, content: 'toml', mode: 0o644 },
  { path: `${dir}/certs/r/ca.pem`, content: ca, mode: 0o644 }
]

describe('builderFingerprint', () => {
  it("is the same in another job: the job directory's name is taken out", () => {
    const a = builderFingerprint(
      '/t/job-a',
      'ca = ["/t/job-a/certs/r/ca.pem"]',
      files('/t/job-a', 'CA'),
      '/t/job-a/buildkitd.toml',
      CREATE
    )
    const createB = { args: CREATE.args.map(arg => arg.replace('job-a', 'job-b')), appendArgs: [] }
    const b = builderFingerprint(
      '/t/job-b',
      'ca = ["/t/job-b/certs/r/ca.pem"]',
      files('/t/job-b', 'CA'),
      '/t/job-b/buildkitd.toml',
      createB
    )
    expect(b).toEqual(a)
  })

  it('holds digests only, never the contents', () => {
    const print = builderFingerprint(
      '/t/job-a',
      'toml',
      files('/t/job-a', 'SECRET-KEY'),
      '/t/job-a/buildkitd.toml',
      CREATE
    )
    expect(JSON.stringify(print)).not.toContain('SECRET')
    expect(print.files).toMatch(/^[0-9a-f]{64}$/)
  })

  it('names each part that changed; `--use` and `--bootstrap` change nothing', () => {
    const before = builderFingerprint('/t/job-a', 'toml', files('/t/job-a', 'CA'), '/t/job-a/buildkitd.toml', CREATE)
    const renewed = builderFingerprint('/t/job-a', 'toml', files('/t/job-a', 'CA2'), '/t/job-a/buildkitd.toml', CREATE)
    expect(changedParts(before, renewed)).toEqual(['the certificate and key contents'])
    const quiet = { args: CREATE.args.filter(arg => arg !== '--use' && arg !== '--bootstrap'), appendArgs: [] }
    expect(
      changedParts(
        before,
        builderFingerprint('/t/job-a', 'toml', files('/t/job-a', 'CA'), '/t/job-a/buildkitd.toml', quiet)
      )
    ).toEqual([])
    const flags = { args: [...CREATE.args, '--buildkitd-flags', '--debug'], appendArgs: [] }
    const other = builderFingerprint('/t/job-a', 'other', files('/t/job-a', 'CA'), '/t/job-a/buildkitd.toml', flags)
    expect(changedParts(before, other)).toEqual([
      'buildkitd.toml',
      'the `buildx create` arguments (driver options, buildkitd flags, platforms)'
    ])
  })
})

describe('the plan: which builders are warm', () => {
  const plan = (overrides: Partial<BuilderInputs>) =>
    planOf(
      {
        config: { registries: [], mirrors: [], debug: false },
        builder: builderInputs(overrides),
        host: { installConfig: '', credentials: [], daemonTrust: 'off', reclaim: true }
      },
      '/runner/temp/job'
    )

  it('`cleanup: false` with a given `name`, docker-container: a fingerprint to match', () => {
    expect(plan({ cleanup: false, nameGiven: true }).warm).toEqual({
      config: expect.stringMatching(/^[0-9a-f]{64}$/),
      files: expect.stringMatching(/^[0-9a-f]{64}$/),
      args: expect.stringMatching(/^[0-9a-f]{64}$/)
    })
  })

  it.each([
    [{ cleanup: true, nameGiven: true }],
    [{ cleanup: false, nameGiven: false }],
    [{ cleanup: false, nameGiven: true, driver: 'kubernetes' }]
  ])('%j: none (no later job finds a generated name; cleanup removes it)', overrides => {
    expect(plan(overrides).warm).toBeUndefined()
  })
})
