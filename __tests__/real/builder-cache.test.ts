import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runLater, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildkitContainer } from '../helpers/builds.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, dockerOk, newDockerConfig, requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// The builder's cache on persistent runners: a disk budget BuildKit's GC keeps (gc-* inputs), and
// the builder's disk in the post step's summary.

const servers: RunningServer[] = []

beforeAll(() => requireDocker())

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function registry(): Promise<RunningServer> {
  const server = await startRegistry()
  servers.push(server)
  return server
}

/** A later step: builds an image of `mib` MiB of fresh random bytes (`FROM scratch`) and pushes it. */
async function pushRandomLayer(job: TestJob, tag: string, mib: number): Promise<{ status: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-gc-context-'))
  writeFileSync(join(dir, 'random.bin'), randomBytes(mib * 2 ** 20))
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY random.bin /random.bin\n')
  return runLater(job, 'docker', ['buildx', 'build', '--push', '-t', tag, dir])
}

/** `docker buildx du`'s total in bytes (decimal units, as buildx prints them). */
function cacheBytes(job: TestJob, builder: string): number {
  const total = /^Total:\s+([\d.]+)([kMG]?B)\s*$/m.exec(
    dockerOk(job.dockerConfig, ['buildx', 'du', '--builder', builder])
  )
  if (!total) throw new Error('buildx du printed no total')
  return Number(total[1]) * { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[total[2] as 'B']
}

describe('gc-max-used-space', () => {
  it("a cache filled past the budget comes back within it: BuildKit's GC policy says so, `buildx du` and the summary show it", async () => {
    const budget = 4 * 2 ** 20
    const plain = await registry()
    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${plain.host} http`,
      'driver-opts': bootDriverOpts(),
      'gc-max-used-space': '4MB',
      preflight: 'off'
    })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const builder = main.outputs.name

    // BuildKit's own view of its policies: the budget in each of the three rules BuildKit's defaults
    // bound by size (4MB is 4 MiB to BuildKit).
    const workers = execFileSync(
      'docker',
      ['exec', buildkitContainer(builder), 'buildctl', 'debug', 'workers', '--verbose'],
      {
        encoding: 'utf8'
      }
    )
    // buildctl prints bytes in decimal units: 4 MiB is 4.194304MB.
    expect(workers.match(/Maximum used space:\s+4\.194304MB\n/g)).toHaveLength(3)
    expect(workers).toMatch(/Keep duration:\s+1440h0m0s/)

    // 9 MiB of layers, each also held as its build context: well past the budget.
    for (const index of [1, 2, 3]) {
      const push = await pushRandomLayer(job, `${plain.host}/sbr/gc:${index}`, 3)
      expect(push).toMatchObject({ status: 0 })
    }
    // BuildKit runs its GC 1 s after boot and after each build, at most once a minute
    // (control/control.go throttledGC): it ran at boot, so the builds just made are all there...
    expect(cacheBytes(job, builder)).toBeGreaterThan(2 * budget)
    // ...and within about 61 s of the boot the next GC brings the cache back under the budget.
    const deadline = Date.now() + 100_000
    let bytes = cacheBytes(job, builder)
    while (bytes > budget && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 2000))
      bytes = cacheBytes(job, builder)
    }
    expect(bytes).toBeLessThanOrEqual(budget)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.log).toMatch(
      new RegExp(`Builder ${builder}'s cache: [\\d.]+k?M?B \\(\`docker buildx du\`\\), within the budget`)
    )
    expect(post.summary).toContain('within the budget <code>gc-max-used-space</code> 4MB (4194304 bytes)')
  }, 240_000)

  it('with keep-state, a cache a job left past the budget is back within it once the next job boots on it', async () => {
    const budget = 4 * 2 ** 20
    const plain = await registry()
    const name = `sbr-gc-kept-${randomBytes(3).toString('hex')}`
    const common = { registries: `${plain.host} http`, 'driver-opts': bootDriverOpts(), name, preflight: 'off' }
    // A job without a budget fills the state volume, which its post keeps.
    const first = newTestJob()
    expect((await setUp(first, { ...common, 'keep-state': 'true' })).exitCode).toBe(0)
    for (const index of [1, 2, 3])
      expect(await pushRandomLayer(first, `${plain.host}/sbr/gc-kept:${index}`, 3)).toMatchObject({ status: 0 })
    expect(cacheBytes(first, name)).toBeGreaterThan(2 * budget)
    expect((await tearDown(first)).exitCode).toBe(0)

    // The next job's builder mounts that volume with the budget: BuildKit's GC 1 s after boot prunes it.
    const second = newTestJob()
    expect((await setUp(second, { ...common, 'gc-max-used-space': '4MB' })).exitCode).toBe(0)
    const deadline = Date.now() + 30_000
    let bytes = cacheBytes(second, name)
    while (bytes > budget && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 1000))
      bytes = cacheBytes(second, name)
    }
    expect(bytes).toBeLessThanOrEqual(budget)
    expect((await tearDown(second)).exitCode).toBe(0)
  }, 240_000)
})

describe('gc-* input errors', () => {
  it.each([
    [{ 'gc-max-used-space': '10 gigabytes' }, "Input 'gc-max-used-space': '10 gigabytes' is not a size BuildKit takes"],
    [{ 'gc-min-free-space': 'lots' }, "Input 'gc-min-free-space': 'lots' is not a size BuildKit takes"],
    [
      { 'gc-keep-duration': '7d' },
      "Input 'gc-keep-duration': '7d' is not a duration BuildKit takes. Fix: write hours: `168h`"
    ],
    [
      { 'gc-reserved-space': '1GB', 'driver-opts': 'image=moby/buildkit:v0.16.0' },
      "Input 'gc-reserved-space': needs BuildKit v0.17 or later (`reservedSpace`), and the builder's image moby/buildkit:v0.16.0 is older"
    ],
    [{ 'gc-max-used-space': '1GB', driver: 'docker' }, "Input 'gc-max-used-space': cannot apply with `driver: docker`"]
  ])('%j fails naming the input and the fix, and writes or creates nothing', async (badInputs, message) => {
    const job = newTestJob()
    const inputs = { bootstrap: 'false', preflight: 'off', ...badInputs }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(`::error::${message}`)
    expect(main.log).toMatch(/Fix: /)
    expect(existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp) : []).toEqual([])
    const instances = join(job.dockerConfig, 'buildx', 'instances')
    expect(existsSync(instances) ? readdirSync(instances) : []).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
  })
})

describe('a warm builder: `cleanup: false` and a fixed `name`', () => {
  /** A build context whose content is the same in every build: its COPY step can be cached. */
  function fixedContext(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sbr-warm-context-'))
    writeFileSync(join(dir, 'fixed.bin'), randomBytes(64 * 1024))
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY fixed.bin /fixed.bin\n')
    return dir
  }

  function containerId(name: string): string {
    return execFileSync('docker', ['container', 'inspect', '--format', '{{.Id}}', buildkitContainer(name)], {
      encoding: 'utf8'
    }).trim()
  }

  it('the next job reuses the running builder and its cache; jobs at once share it; a changed config replaces it once no job holds it, saying why', async () => {
    const plain = await registry()
    const dockerConfig = newDockerConfig()
    const name = `sbr-warm-${randomBytes(3).toString('hex')}`
    const inputs = {
      name,
      registries: `${plain.host} http`,
      'driver-opts': bootDriverOpts(),
      cleanup: 'false',
      preflight: 'off'
    }
    const job = (id: string): TestJob => ({
      ...newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: id }),
      dockerConfig
    })
    const context = fixedContext()
    const build = (runner: TestJob, tag: string) =>
      runLater(runner, 'docker', [
        'buildx',
        'build',
        // Named, as build-push-action's `builder:` names it: these jobs share one client config, so
        // buildx's current builder is whatever the last job's main or post selected there (the refused
        // jobs' included), and a build that fell to the docker driver would leave its image in the
        // daemon, where builder-image.test.ts looks for images named after a loopback registry.
        '--builder',
        name,
        '--progress=plain',
        '--push',
        '-t',
        `${plain.host}/sbr/warm:${tag}`,
        context
      ])
    try {
      const first = job('301')
      const firstMain = await runMain(first, inputs)
      expect(firstMain.exitCode).toBe(0)
      const container = containerId(name)
      const firstBuild = await build(first, '1')
      expect(firstBuild.status).toBe(0)
      expect(firstBuild.stderr).not.toMatch(/COPY fixed\.bin[^\n]*\n#\d+ CACHED/)
      const firstPost = await runPost(first, firstMain.state, inputs)
      expect(firstPost.log).toContain(`Keeping builder ${name} (cleanup: false).`)
      expect(firstPost.log).toMatch(new RegExp(`Builder ${name}'s cache: [\\d.]+k?M?B \\(\`docker buildx du\`\\)\\.`))

      // The next job: the same container, no create, and its build's COPY step comes from the cache.
      const second = job('302')
      const secondMain = await runMain(second, inputs)
      expect(secondMain.exitCode).toBe(0)
      expect(secondMain.log).toContain(
        `Reusing the warm builder ${name} (BuildKit container ${container.slice(0, 12)})`
      )
      expect(secondMain.log).not.toContain('Creating builder')
      expect(containerId(name)).toBe(container)
      const secondBuild = await build(second, '2')
      expect(secondBuild.status).toBe(0)
      expect(secondBuild.stderr).toMatch(/COPY fixed\.bin[^\n]*\n#\d+ CACHED/)
      expect((await runPost(second, secondMain.state, inputs)).exitCode).toBe(0)

      // Two jobs at once share it; while one still runs, a job with another config cannot replace it.
      const [third, fourth] = [job('303'), job('304')]
      const [thirdMain, fourthMain] = await Promise.all([runMain(third, inputs), runMain(fourth, inputs)])
      expect([thirdMain.exitCode, fourthMain.exitCode]).toEqual([0, 0])
      expect(containerId(name)).toBe(container)
      expect((await runPost(third, thirdMain.state, inputs)).log).toContain(`Keeping builder ${name}`)
      const changed = { ...inputs, registries: `${plain.host} http\nregistry.test:5443` }
      const refused = job('305')
      const refusedMain = await runMain(refused, changed)
      expect(refusedMain.exitCode).toBe(1)
      expect(refusedMain.log).toContain(
        `::error::Input 'name': the warm builder '${name}' would be replaced (its config changed: buildkitd.toml), and 1 job(s) still running hold it (run 304`
      )
      expect((await runPost(refused, refusedMain.state, changed)).exitCode).toBe(0)
      // Nor can a job that would remove it in its post step (`cleanup: true`).
      const removing = job('307')
      const removingMain = await runMain(removing, { ...inputs, cleanup: 'true' })
      expect(removingMain.exitCode).toBe(1)
      expect(removingMain.log).toContain(
        `::error::Input 'name': the warm builder '${name}' is held by 1 job(s) still running (run 304`
      )
      expect((await runPost(removing, removingMain.state, inputs)).exitCode).toBe(0)
      expect(containerId(name)).toBe(container)
      expect((await build(fourth, '4')).status).toBe(0)
      // The last holder's post leaves it warm too: that is what `cleanup: false` is for.
      expect((await runPost(fourth, fourthMain.state, inputs)).log).toContain(`Keeping builder ${name}`)
      expect(containerId(name)).toBe(container)

      const replacing = job('306')
      const replacingMain = await runMain(replacing, changed)
      expect(replacingMain.exitCode).toBe(0)
      expect(replacingMain.log).toContain(`Replacing the warm builder ${name}: its config changed: buildkitd.toml.`)
      expect(containerId(name)).not.toBe(container)
      expect((await runPost(replacing, replacingMain.state, changed)).exitCode).toBe(0)
    } finally {
      docker(dockerConfig, ['buildx', 'rm', name])
    }
  }, 300_000)
})
