import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { newDockerConfig, requireDocker } from './docker.js'
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

function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}

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
