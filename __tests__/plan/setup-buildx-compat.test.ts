import { jest } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readAppendNodes } from '../../src/inputs/append.js'
import { parseCsvList } from '../../src/inputs/csv-list.js'
import { readInputs } from '../../src/inputs/read-inputs.js'
import { planOf } from '../helpers/plan.js'
import type { Plan } from '../../src/plan/plan.js'
import { inputErrorOf } from '../helpers/input-errors.js'
import { withInputs } from '../helpers/inputs.js'

// docker/setup-buildx-action's own tables of `with:` blocks and the `buildx create` arguments they
// give (its __tests__/context.test.ts at v4.3.0, getCreateArgs and getAppendArgs; the same at
// v3.12.0), run through this action. Ours adds, by design: `--config` (the generated
// buildkitd.toml) and `--bootstrap` (theirs boots with a later `buildx inspect --bootstrap`), and
// generates another name. Without those, the arguments are theirs, in their order.

const DIR = '/runner/temp/setup-buildkit-registry-abc'
const THEIR_NAME = 'builder-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'
const DEFAULT_FLAGS = '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host'
/** The inputs their tests set in every case: the defaults of their action.yml. */
const THEIR_DEFAULTS = { use: 'true', 'cache-binary': 'true', cleanup: 'true', 'keep-state': 'false' }

beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  process.env.DOCKER_CONFIG = mkdtempSync(join(tmpdir(), 'sbr-compat-'))
})
afterEach(() => jest.restoreAllMocks())

/** Our plan for a `with:` block, as main computes it. */
async function ourPlan(values: Record<string, string>): Promise<Plan> {
  withInputs({ ...THEIR_DEFAULTS, ...values })
  const inputs = readInputs()
  return planOf(inputs, DIR, await readAppendNodes(inputs.builder.appendYaml))
}

/** Our arguments less `--config PATH` and `--bootstrap`, with their generated name for ours. */
function asTheirs(args: string[], ourName: string): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--config') i++
    else if (args[i] !== '--bootstrap') out.push(args[i] === ourName ? THEIR_NAME : args[i])
  }
  return out // both start at `create` (buildx is the command)
}

describe('their getCreateArgs table: the same with: gives the same `buildx create`', () => {
  // [their case number, with:, their arguments]. Their [1] (driver: docker) is not run by their
  // main (no create for the docker driver), and neither is it here: see below.
  const cases: [number, Record<string, string>, string[]][] = [
    [
      0,
      {},
      ['create', '--name', THEIR_NAME, '--driver', 'docker-container', '--buildkitd-flags', DEFAULT_FLAGS, '--use']
    ],
    [
      2,
      { use: 'false', 'driver-opts': 'image=moby/buildkit:master\nnetwork=host' },
      [
        'create',
        '--name',
        THEIR_NAME,
        '--driver',
        'docker-container',
        '--driver-opt',
        'image=moby/buildkit:master',
        '--driver-opt',
        'network=host',
        '--buildkitd-flags',
        DEFAULT_FLAGS
      ]
    ],
    [
      3,
      { driver: 'remote', endpoint: 'tls://foo:1234' },
      ['create', '--name', THEIR_NAME, '--driver', 'remote', '--use', 'tls://foo:1234']
    ],
    [
      4,
      { driver: 'remote', platforms: 'linux/arm64,linux/arm/v7', endpoint: 'tls://foo:1234' },
      [
        'create',
        '--name',
        THEIR_NAME,
        '--driver',
        'remote',
        '--platform',
        'linux/arm64,linux/arm/v7',
        '--use',
        'tls://foo:1234'
      ]
    ],
    [
      5,
      { use: 'false', 'driver-opts': '"env.no_proxy=localhost,127.0.0.1,.mydomain"' },
      [
        'create',
        '--name',
        THEIR_NAME,
        '--driver',
        'docker-container',
        '--driver-opt',
        '"env.no_proxy=localhost,127.0.0.1,.mydomain"',
        '--buildkitd-flags',
        DEFAULT_FLAGS
      ]
    ],
    [
      6,
      { use: 'false', platforms: 'linux/amd64\n"linux/arm64,linux/arm/v7"' },
      [
        'create',
        '--name',
        THEIR_NAME,
        '--driver',
        'docker-container',
        '--buildkitd-flags',
        DEFAULT_FLAGS,
        '--platform',
        'linux/amd64,linux/arm64,linux/arm/v7'
      ]
    ],
    [7, { use: 'false', driver: 'unknown' }, ['create', '--name', THEIR_NAME, '--driver', 'unknown']],
    [
      8,
      { use: 'false', 'buildkitd-config-inline': 'debug = true' },
      ['create', '--name', THEIR_NAME, '--driver', 'docker-container', '--buildkitd-flags', DEFAULT_FLAGS]
    ],
    [
      10,
      { use: 'false', driver: 'cloud', 'buildkitd-flags': '--allow-insecure-entitlement network.host' },
      [
        'create',
        '--name',
        THEIR_NAME,
        '--driver',
        'cloud',
        '--buildkitd-flags',
        '--allow-insecure-entitlement network.host'
      ]
    ],
    [
      11,
      { name: 'test-builder-name' },
      [
        'create',
        '--name',
        'test-builder-name',
        '--driver',
        'docker-container',
        '--buildkitd-flags',
        DEFAULT_FLAGS,
        '--use'
      ]
    ],
    [
      12,
      { name: 'test-builder-name', 'keep-state': 'true' },
      [
        'create',
        '--name',
        'test-builder-name',
        '--driver',
        'docker-container',
        '--buildkitd-flags',
        DEFAULT_FLAGS,
        '--use'
      ]
    ]
  ]

  it.each(cases)('[%d] %j', async (_number, values, theirs) => {
    const plan = await ourPlan(values)
    const ourName = values.name ?? plan.create!.args[plan.create!.args.indexOf('--name') + 1]
    expect(asTheirs(plan.create!.args, values.name ? THEIR_NAME : ourName)).toEqual(theirs)
    // What ours adds: the generated config (not for remote, which buildx refuses it), and the boot.
    expect(plan.create!.args.includes('--config')).toBe(values.driver !== 'remote')
    expect(plan.create!.args).toContain('--bootstrap')
  })

  it('[9] a buildkitd-config file is merged into the generated config, which is the one passed', async () => {
    const plan = await ourPlan({ use: 'false', 'buildkitd-config-inline': 'debug = true' })
    expect(plan.create!.args).toEqual(expect.arrayContaining(['--config', `${DIR}/buildkitd.toml`]))
    expect(plan.toml).toContain('debug = true')
  })

  it("v3's deprecated config and config-inline are read as buildkitd-config(-inline), the new name winning", async () => {
    expect((await ourPlan({ 'config-inline': 'debug = true' })).toml).toContain('debug = true')
    const both = await ourPlan({
      'config-inline': 'debug = true',
      'buildkitd-config-inline': '[worker.oci]\ngc = false'
    })
    expect(both.toml).not.toContain('debug')
    expect(both.toml).toContain('gc = false')
  })
})

describe('their getAppendArgs table', () => {
  it('[0] a node with name, endpoint, driver-opts, buildkitd-flags and platforms', async () => {
    const plan = await ourPlan({
      append: [
        '- name: aws_graviton2',
        '  endpoint: ssh://me@graviton2',
        '  driver-opts:',
        '    - image=moby/buildkit:latest',
        `  buildkitd-flags: ${DEFAULT_FLAGS}`,
        '  platforms: linux/arm64'
      ].join('\n')
    })
    const ourName = plan.create!.args[plan.create!.args.indexOf('--name') + 1]
    expect(plan.create!.appendArgs).toHaveLength(1)
    expect(asTheirs(plan.create!.appendArgs[0], ourName)).toEqual([
      'create',
      '--name',
      THEIR_NAME,
      '--append',
      '--node',
      'aws_graviton2',
      '--driver-opt',
      'image=moby/buildkit:latest',
      '--buildkitd-flags',
      DEFAULT_FLAGS,
      '--platform',
      'linux/arm64',
      'ssh://me@graviton2'
    ])
    // Each node gets the same generated config; the last one boots them all.
    expect(plan.create!.appendArgs[0]).toEqual(
      expect.arrayContaining(['--config', `${DIR}/buildkitd.toml`, '--bootstrap'])
    )
    expect(plan.create!.args).not.toContain('--bootstrap')
  })

  it('every node reaches loopback registries on the host network, and a node without flags gets the default ones', async () => {
    const plan = await ourPlan({
      registries: 'localhost:5000 http',
      append: '- endpoint: other-context\n- name: third'
    })
    expect(plan.create!.appendArgs.map(args => args.slice(3))).toEqual([
      [
        '--append',
        '--config',
        `${DIR}/buildkitd.toml`,
        '--driver-opt',
        'network=host',
        '--buildkitd-flags',
        DEFAULT_FLAGS,
        'other-context'
      ],
      [
        '--append',
        '--node',
        'third',
        '--config',
        `${DIR}/buildkitd.toml`,
        '--driver-opt',
        'network=host',
        '--buildkitd-flags',
        DEFAULT_FLAGS,
        '--bootstrap'
      ]
    ])
  })

  it('refuses what is not a list of nodes, naming the line or the node', async () => {
    for (const [yaml, problem] of [
      ['name: one', 'is not a YAML list'],
      ['- [a, b]', 'node 1 is not a mapping'],
      ['- name: a\n- driver-opts: image=x', 'node 2: `driver-opts` is not a list of strings'],
      ['- name: a\n  endpoint: [x', 'invalid YAML']
    ]) {
      withInputs({ append: yaml })
      const error = await readAppendNodes(yaml).then(
        () => undefined,
        (thrown: unknown) => thrown as Error
      )
      expect(error?.message).toContain(problem)
    }
  })
})

describe('their other inputs', () => {
  it('platforms: as @docker/actions-toolkit Util.getList reads them (its own test cases)', () => {
    // Cases from actions-toolkit's __tests__/util.test.ts, Copyright 2023 actions-toolkit authors,
    // Apache-2.0 (THIRD_PARTY_NOTICES.md); called here as parseCsvList(text).
    expect(parseCsvList('bar')).toEqual(['bar'])
    expect(parseCsvList('')).toEqual([])
    expect(parseCsvList('bar\nbaz')).toEqual(['bar', 'baz'])
    expect(parseCsvList('bar\n\nbaz')).toEqual(['bar', 'baz'])
    expect(parseCsvList('bar,baz')).toEqual(['bar', 'baz'])
    expect(parseCsvList('bar,baz,')).toEqual(['bar', 'baz'])
    expect(parseCsvList('bar\r\nbaz')).toEqual(['bar', 'baz'])
    expect(parseCsvList('bar\r\nbaz,bat')).toEqual(['bar', 'baz', 'bat'])
    expect(parseCsvList('foo=bar\nbar=qux#baz')).toEqual(['foo=bar', 'bar=qux#baz'])
    expect(parseCsvList('linux/amd64\n"linux/arm64,linux/arm/v7"')).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ])
    expect(parseCsvList('"linux/amd64", linux/arm64')).toEqual(['linux/amd64', 'linux/arm64'])
  })

  it('keep-state: refused with a driver other than docker-container, as theirs', () => {
    withInputs({ driver: 'kubernetes', 'keep-state': 'true' })
    expect(inputErrorOf(readInputs).message).toContain("Input 'keep-state': cannot be used with the kubernetes driver")
  })

  it('version: read as buildx-version; buildx-version wins when both are set; a git reference is refused', () => {
    withInputs({ version: 'v0.19.3' })
    expect(readInputs().builder.buildxVersion).toBe('v0.19.3')
    withInputs({ version: 'latest', 'buildx-version': 'v0.20.0' })
    expect(readInputs().builder.buildxVersion).toBe('v0.20.0')
    withInputs({ version: 'https://github.com/docker/buildx.git#master' })
    expect(inputErrorOf(readInputs).message).toContain('building buildx from a git reference is not supported')
  })

  it('cache-binary and install are read as booleans', () => {
    withInputs({ 'cache-binary': 'false', install: 'true' })
    expect(readInputs().builder).toMatchObject({ cacheBinary: false, installAlias: true })
    withInputs({ 'cache-binary': 'maybe' })
    expect(inputErrorOf(readInputs).input).toBe('cache-binary')
  })

  it('driver: docker creates nothing and is named after the Docker context, as theirs', async () => {
    const plan = await ourPlan({ driver: 'docker', name: 'ignored' })
    expect(plan.create).toBe(undefined)
    expect(plan.writesConfig).toBe(false)
    expect(plan.files).toEqual([])
    withInputs({ driver: 'docker' })
    expect(readInputs().builder.name).toBe('default')
    withInputs({ driver: 'docker', registries: 'registry.internal:5443' })
    expect(inputErrorOf(readInputs).input).toBe('trust-docker-daemon')
    withInputs({ driver: 'docker', mirror: 'mirror.gcr.io', 'trust-docker-daemon': 'true' })
    expect(inputErrorOf(readInputs).input).toBe('mirror')
  })

  it('kubernetes with rootless=true: buildkitd is told where buildx mounts the config', async () => {
    const plan = await ourPlan({ driver: 'kubernetes', 'driver-opts': 'namespace=buildkit\nrootless=true' })
    const flags = plan.create!.args[plan.create!.args.indexOf('--buildkitd-flags') + 1]
    expect(flags).toBe(`${DEFAULT_FLAGS} --config /etc/buildkit/buildkitd.toml`)
    expect(plan.notes.join('\n')).toContain('a rootless buildkitd reads ~/.config/buildkit/buildkitd.toml')
    // A --config of the user's own is left alone; rootful needs nothing (it reads /etc/buildkit).
    const own = await ourPlan({
      driver: 'kubernetes',
      'driver-opts': 'rootless=true',
      'buildkitd-flags': '--config /mine.toml'
    })
    expect(own.create!.args).toEqual(expect.arrayContaining(['--buildkitd-flags', '--config /mine.toml']))
    const rootful = await ourPlan({ driver: 'kubernetes' })
    expect(rootful.create!.args).toEqual(expect.arrayContaining(['--buildkitd-flags', DEFAULT_FLAGS]))
  })
})
