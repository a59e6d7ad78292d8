import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bootDriverOpts } from '../helpers/builds.js'
import { docker, dockerOk, requireDocker } from './docker.js'
import { containerExists, newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// No builder left on the runner, whatever buildx does: a builder buildx stored and then cannot
// load, so that `buildx rm` fails too, is removed without buildx, and nothing but that builder is
// touched. buildx 0.13.1 leaves such a builder when it refuses a config after storing it (the
// action's config check now refuses those before buildx runs: config-check.test.ts); any buildx
// does when another buildx, or the action's post step, finds a stored config it refuses.

/**
 * A config buildx refuses ("Can't convert tcp://0.0.0.0:1234(string) to []string"): BuildKit's
 * loader (go-toml v1) takes `GRPC`/`ADDRESS` for `grpc.address`. Written into a stored builder by
 * makeUnloadable; given as an input, the action's check refuses it before buildx runs.
 */
const REFUSED_CONFIG = '[GRPC]\nADDRESS = "tcp://0.0.0.0:1234"\n'

beforeAll(() => requireDocker())

afterAll(async () => {
  await tearDownAll()
})

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

/** Whether `docker buildx ls` lists a builder of that name (it lists one it cannot load, with its error). */
function listedByBuildx(job: TestJob, name: string, env: NodeJS.ProcessEnv = {}): boolean {
  const ls = docker(job.dockerConfig, ['buildx', 'ls'], env)
  expect(ls.stderr).not.toMatch(/^ERROR/m)
  return ls.stdout.split('\n').some(line => line.split(/\s+/)[0].replace(/\*$/, '') === name.toLowerCase())
}

/** The files of buildx's store (DOCKER_CONFIG/buildx, or BUILDX_CONFIG) named for the builder or naming it (`current`, `defaults/`). */
function storeEntriesOf(job: TestJob, name: string, store = join(job.dockerConfig, 'buildx')): string[] {
  if (!existsSync(store)) return []
  const lower = name.toLowerCase()
  return readdirSync(store, { recursive: true, encoding: 'utf8' }).filter(entry => {
    if (entry.toLowerCase().split('/').includes(lower)) return true
    if (entry.startsWith('defaults/')) return readFileSync(join(store, entry), 'utf8').trim().toLowerCase() === lower
    if (entry === 'current')
      return (JSON.parse(readFileSync(join(store, entry), 'utf8')) as { Name?: string }).Name === name
    return false
  })
}

function volumeExists(name: string): boolean {
  return spawnSync('docker', ['volume', 'inspect', `buildx_buildkit_${name}0_state`], { stdio: 'ignore' }).status === 0
}

/** What the job could have left of its builder: none of it may be there. */
function expectNothingLeftOf(job: TestJob, name: string): void {
  expect(listedByBuildx(job, name)).toBe(false)
  expect(storeEntriesOf(job, name)).toEqual([])
  expect(containerExists(name)).toBe(false)
  expect(volumeExists(name)).toBe(false)
}

/**
 * Another builder in the job's Docker client config, made current, and never booted: what was on
 * the runner before the job, which the job's cleanup must leave as it was.
 */
function createOtherBuilder(job: TestJob): { name: string; remove(): void } {
  const name = uniqueName('sbr-other')
  dockerOk(job.dockerConfig, ['buildx', 'create', '--name', name, '--driver', 'docker-container', '--use'])
  return { name, remove: () => void docker(job.dockerConfig, ['buildx', 'rm', name]) }
}

const inputs = {
  registries: 'registry.test:5000 http',
  preflight: 'off',
  bootstrap: 'true',
  'driver-opts': bootDriverOpts()
}

describe('no builder left on the runner', () => {
  it('a builder of the name buildx can no longer load (left by a crashed job): `replace` removes it without buildx and creates the job’s own; after post nothing of it is left, and another builder stays', async () => {
    const job = newTestJob()
    const other = createOtherBuilder(job)
    try {
      const name = uniqueName('sbr-unloadable')
      dockerOk(job.dockerConfig, ['buildx', 'create', '--name', name, '--driver', 'docker-container'])
      makeUnloadable(job, name)
      expect(docker(job.dockerConfig, ['buildx', 'rm', name]).stderr).toContain("Can't convert")
      // `use: false`: the other builder stays the current one throughout.
      const main = await setUp(job, { ...inputs, name, use: 'false' })
      expect(main.log).not.toContain('::error::')
      expect(main.exitCode).toBe(0)
      expect(main.log).toContain(`A builder named ${name} already exists`)
      expect(main.log).toContain(`buildx could not remove builder ${name}`)
      expect(containerExists(name)).toBe(true)
      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::warning::')
      expectNothingLeftOf(job, name)

      expect(listedByBuildx(job, other.name)).toBe(true)
      expect(existsSync(join(job.dockerConfig, 'buildx', 'instances', other.name))).toBe(true)
      // Still the current builder: nothing of the store but the job's builder was touched.
      expect(docker(job.dockerConfig, ['buildx', 'inspect']).stdout).toMatch(
        new RegExp(`^Name:\\s+${other.name}$`, 'm')
      )
    } finally {
      other.remove()
    }
  })

  it('the same with BUILDX_CONFIG: buildx’s store there is left with nothing of the builder', async () => {
    const store = mkdtempSync(join(tmpdir(), 'sbr-buildx-config-'))
    const job = newTestJob({ BUILDX_CONFIG: store })
    const name = uniqueName('sbr-unloadable')
    docker(job.dockerConfig, ['buildx', 'create', '--name', name, '--driver', 'docker-container'], {
      BUILDX_CONFIG: store
    })
    makeUnloadable(job, name, store)
    const main = await setUp(job, { ...inputs, name })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(`buildx could not remove builder ${name}`)
    // buildx keeps its store there, not beside the Docker client config.
    expect(existsSync(join(job.dockerConfig, 'buildx', 'instances'))).toBe(false)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(listedByBuildx(job, name, { BUILDX_CONFIG: store })).toBe(false)
    expect(storeEntriesOf(job, name, store)).toEqual([])
    expect(containerExists(name)).toBe(false)
    expect(volumeExists(name)).toBe(false)
  })

  it('post cannot `buildx rm` the booted builder: its container, state volume and buildx record go all the same, and only they', async () => {
    const job = newTestJob()
    const other = createOtherBuilder(job)
    try {
      const name = uniqueName('sbr-unremovable')
      // `use: true` (the default) makes it current in place of the other builder.
      const main = await setUp(job, { ...inputs, name })
      expect(main.exitCode).toBe(0)
      expect(containerExists(name)).toBe(true)
      expect(volumeExists(name)).toBe(true)
      makeUnloadable(job, name)
      expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).stdout).toContain("Can't convert")

      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::warning::')
      expect(post.log).toContain(`buildx could not remove builder ${name}`)
      expect(post.log).toContain(`container buildx_buildkit_${name}0, volume buildx_buildkit_${name}0_state`)
      expectNothingLeftOf(job, name)

      expect(listedByBuildx(job, other.name)).toBe(true)
      expect(existsSync(join(job.dockerConfig, 'buildx', 'instances', other.name))).toBe(true)
    } finally {
      other.remove()
    }
  })

  it('with `keep-state`, the state volume is what stays of a builder post cannot `buildx rm`', async () => {
    const job = newTestJob()
    const name = uniqueName('sbr-kept')
    const volume = `buildx_buildkit_${name}0_state`
    try {
      const main = await setUp(job, { ...inputs, name, 'keep-state': 'true' })
      expect(main.exitCode).toBe(0)
      makeUnloadable(job, name)
      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::warning::')
      expect(listedByBuildx(job, name)).toBe(false)
      expect(storeEntriesOf(job, name)).toEqual([])
      expect(containerExists(name)).toBe(false)
      expect(volumeExists(name)).toBe(true)
    } finally {
      spawnSync('docker', ['volume', 'rm', volume], { stdio: 'ignore' })
    }
  })
})

/**
 * Makes buildx unable to load the builder while its container runs, as a buildx that refuses the
 * stored config would be (another buildx version in the post step, or 0.13.1 with a config only
 * it rejects): the stored config becomes one BuildKit's loader refuses. Both buildx generations
 * load it on `buildx rm`, so rm fails on both.
 */
function makeUnloadable(job: TestJob, name: string, store = join(job.dockerConfig, 'buildx')): void {
  const path = join(store, 'instances', name.toLowerCase())
  const instance = JSON.parse(readFileSync(path, 'utf8')) as { Nodes: { Files: Record<string, string> | null }[] }
  for (const node of instance.Nodes)
    node.Files = { ...node.Files, 'buildkitd.toml': Buffer.from(REFUSED_CONFIG).toString('base64') }
  writeFileSync(path, JSON.stringify(instance), { mode: 0o600 })
}
