import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { crashJob, neverLog, newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { filesUnder } from '../helpers/files.js'
import { dockerOk, newDockerConfig, requireDocker } from './docker.js'
import { containerExists } from './jobs.js'

// Self-hosted runners: several jobs at once against one Docker daemon, and a
// daemon that does not answer.

let pki: TestPki
/** A busy self-hosted host: this many jobs start at once on one daemon. */
const JOBS = 16

beforeAll(() => {
  requireDocker()
  pki = makePki()
})

describe('concurrency and faults', () => {
  it('16 jobs at once on one daemon boot 16 builders, and 16 post steps leave nothing behind', async () => {
    // One user, one Docker client config: runners sharing a daemon and a home directory.
    const dockerConfig = newDockerConfig()
    const inputs = {
      registries: 'registry.test:5443',
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      'driver-opts': bootDriverOpts(),
      preflight: 'off'
    }
    const jobs = Array.from({ length: JOBS }, (_, index) =>
      newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '77', GITHUB_JOB: `build-${index % 2}` })
    )
    const mains = await Promise.all(jobs.map(job => runMain(job, inputs)))
    for (const main of mains) expect(main.log).not.toContain('::error::')
    expect(mains.map(main => main.exitCode)).toEqual(Array(JOBS).fill(0))
    const names = mains.map(main => main.outputs.name)
    expect(new Set(names).size).toBe(JOBS)
    expect(readdirSync(join(dockerConfig, 'buildx', 'instances')).sort()).toEqual([...names].sort())
    for (const name of names) expect(containerExists(name)).toBe(true)

    const posts = await Promise.all(jobs.map((job, index) => runPost(job, mains[index].state, inputs)))
    expect(posts.map(post => post.exitCode)).toEqual(Array(JOBS).fill(0))
    expect(filesUnder(join(dockerConfig, 'buildx', 'instances'))).toEqual([])
    for (const name of names) expect(containerExists(name)).toBe(false)
    for (const job of jobs) expect(filesUnder(job.runnerTemp)).toEqual([])
  })

  it('the builder the runner had selected (`docker buildx use`) is selected again after the job, byte for byte', async () => {
    // An admin's own builder on a self-hosted runner, selected for every job's `docker buildx build`.
    const dockerConfig = newDockerConfig()
    const own = `sbr-admins-${randomBytes(3).toString('hex')}`
    dockerOk(dockerConfig, ['buildx', 'create', '--name', own, '--driver', 'docker-container', '--use'])
    const current = join(dockerConfig, 'buildx', 'current')
    const before = readFileSync(current, 'utf8')
    try {
      const job = newJob({ DOCKER_CONFIG: dockerConfig })
      const main = await runMain(job, { 'driver-opts': bootDriverOpts(), preflight: 'off' })
      expect(main.exitCode).toBe(0)
      // `use: true`: the job's later steps build on the job's builder.
      expect(dockerOk(dockerConfig, ['buildx', 'inspect']).split('\n')[0]).toBe(`Name:          ${main.outputs.name}`)
      const post = await runPost(job, main.state)
      expect(post.exitCode).toBe(0)
      expect(post.log).toContain('buildx selects the builder it selected before the job again')
      expect(readFileSync(current, 'utf8')).toBe(before)
      expect(dockerOk(dockerConfig, ['buildx', 'inspect']).split('\n')[0]).toBe(`Name:          ${own}`)
    } finally {
      dockerOk(dockerConfig, ['buildx', 'rm', own])
    }
  })

  it('no builder selected before the job: none selected after it (no `current` left naming the removed builder)', async () => {
    const dockerConfig = newDockerConfig()
    const job = newJob({ DOCKER_CONFIG: dockerConfig })
    const main = await runMain(job, { 'driver-opts': bootDriverOpts(), preflight: 'off' })
    expect(main.exitCode).toBe(0)
    expect(existsSync(join(dockerConfig, 'buildx', 'current'))).toBe(true)
    expect((await runPost(job, main.state)).exitCode).toBe(0)
    expect(existsSync(join(dockerConfig, 'buildx', 'current'))).toBe(false)
    expect(dockerOk(dockerConfig, ['buildx', 'inspect']).split('\n')[0]).toMatch(/^Name:\s+default$/)
  })

  it('a fixed name a running job holds: a second job fails naming it and leaves its builder alone; after its post the name is free', async () => {
    const dockerConfig = newDockerConfig()
    const name = `sbr-shared-${randomBytes(3).toString('hex')}`
    const inputs = {
      name,
      registries: 'registry.test:5443 insecure',
      'driver-opts': bootDriverOpts(),
      preflight: 'off'
    }
    const first = newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '101', GITHUB_JOB: 'first' })
    const second = newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '102', GITHUB_JOB: 'second' })
    const firstMain = await runMain(first, inputs)
    expect(firstMain.exitCode).toBe(0)

    const secondMain = await runMain(second, inputs)
    expect(secondMain.exitCode).toBe(1)
    expect(secondMain.log).toContain(
      `::error::Input 'name': the builder '${name}' is in use by a job that is still running (run 101, job first, runner process`
    )
    expect(secondMain.log).not.toContain('removing it and creating it again')
    // The first job's builder is untouched, and the second job's post leaves it so.
    expect((await runPost(second, secondMain.state, inputs)).exitCode).toBe(0)
    expect(dockerOk(dockerConfig, ['buildx', 'inspect', name])).toMatch(/Status:\s+running/)

    expect((await runPost(first, firstMain.state, inputs)).exitCode).toBe(0)
    expect(containerExists(name)).toBe(false)
    const third = newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '103', GITHUB_JOB: 'third' })
    const thirdMain = await runMain(third, inputs)
    expect(thirdMain.exitCode).toBe(0)
    expect((await runPost(third, thirdMain.state, inputs)).exitCode).toBe(0)
  })

  it('a fixed name whose job crashed (no post step): the next job takes the leftover over, saying so', async () => {
    const dockerConfig = newDockerConfig()
    const name = `sbr-leftover-${randomBytes(3).toString('hex')}`
    const inputs = {
      name,
      registries: 'registry.test:5443 insecure',
      'driver-opts': bootDriverOpts(),
      preflight: 'off'
    }
    const crashed = newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '201', GITHUB_JOB: 'crashed' })
    expect((await runMain(crashed, inputs)).exitCode).toBe(0)
    await crashJob(crashed)

    const next = newJob({ DOCKER_CONFIG: dockerConfig, GITHUB_RUN_ID: '202', GITHUB_JOB: 'next' })
    // The takeover itself: with `reclaim` (the default) the next job removes the leftover first (reclaim.test.ts).
    const main = await runMain(next, { ...inputs, reclaim: 'false' })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      `A builder named ${name} already exists (left by an earlier job?): removing it and creating it again.`
    )
    expect((await runPost(next, main.state, inputs)).exitCode).toBe(0)
    expect(containerExists(name)).toBe(false)
  })

  it('a lease from another machine (a job in a container) counts as held; the error names the file to remove if that job is gone', async () => {
    const dockerConfig = newDockerConfig()
    const name = `sbr-elsewhere-${randomBytes(3).toString('hex')}`
    const lease = join(dockerConfig, 'buildx', 'setup-buildkit-registry-leases', `${name}.json`)
    mkdirSync(dirname(lease), { recursive: true })
    writeFileSync(
      lease,
      JSON.stringify({ builder: name, host: 'another-runner', pid: 1, started: '1', job: 'run 9, job elsewhere' })
    )
    const inputs = { name, registries: 'registry.test:5443 insecure', bootstrap: 'false', preflight: 'off' }
    const job = newJob({ DOCKER_CONFIG: dockerConfig })
    const refused = await runMain(job, inputs)
    expect(refused.exitCode).toBe(1)
    expect(refused.log).toContain(
      `the builder '${name}' is in use by a job that is still running (run 9, job elsewhere, runner process 1 on another-runner)`
    )
    expect(refused.log).toContain(`If that job is gone (nothing on this machine can tell), remove ${lease}`)
    expect((await runPost(job, refused.state, inputs)).exitCode).toBe(0)

    rmSync(lease)
    const again = newJob({ DOCKER_CONFIG: dockerConfig })
    const main = await runMain(again, inputs)
    expect(main.exitCode).toBe(0)
    expect((await runPost(again, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync(lease)).toBe(false)
  })

  it("an unreachable Docker daemon fails the step with buildx's reason and leaves no builder or key file", async () => {
    const dockerConfig = newDockerConfig()
    const job = newJob({ DOCKER_CONFIG: dockerConfig, DOCKER_HOST: 'unix:///nonexistent/docker.sock' })
    const inputs = {
      registries: 'registry.test:5443',
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(
      /::error::`docker buildx create .*` failed: .*Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\/docker.sock/
    )
    expect(filesUnder(job.runnerTemp)).toEqual([])
    expect(filesUnder(join(dockerConfig, 'buildx', 'instances'))).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
  })

  it('the log check itself: a step whose log shows a registered secret fails the test', async () => {
    const secret = 'sbrsecretprobe7731'
    neverLog(secret)
    // Bad input that the action echoes back in its error: the check must catch it.
    await expect(
      runMain(newJob({ DOCKER_CONFIG: newDockerConfig() }), { registries: `${secret}/path` })
    ).rejects.toThrow("a step's log shows a registered secret line")
  })
})
