import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPost } from '../../scripts/github-runner.mjs'
import { docker, requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'

// Post works from saved state alone; state it did not save (a forged STATE_undo) must not make it
// remove anything it cannot prove is its own: it warns, and removes nothing.

const made: string[] = []

beforeAll(() => requireDocker())

afterAll(async () => {
  await tearDownAll()
  for (const path of made) rmSync(path, { recursive: true, force: true })
})

/** A directory of someone else's, with a file in it post must leave. */
function theirs(parent: string, name: string): { dir: string; marker: string } {
  const dir = join(parent, name)
  mkdirSync(dir, { recursive: true })
  const marker = join(dir, 'marker')
  writeFileSync(marker, `${name}: not the action's`)
  return { dir, marker }
}

describe('post with a forged STATE_undo (issue 25, item 10)', () => {
  it('a job directory outside RUNNER_TEMP, a builder name that breaks the rules, a certs.d file elsewhere: warns, removes nothing', async () => {
    const job = newTestJob()
    const elsewhere = mkdtempSync(join(tmpdir(), 'sbr-not-the-job-'))
    made.push(elsewhere)
    const outside = theirs(elsewhere, 'setup-buildkit-registry-0123456789ab')
    // Where buildx's store would file a builder named '../victim'.
    const store = theirs(join(job.dockerConfig, 'buildx'), 'victim')
    const certs = theirs(elsewhere, 'certs')
    const forged = {
      jobDir: outside.dir,
      builder: { name: '../victim', driver: 'docker-container', removeInPost: true },
      daemonTrust: { rootless: false, files: [certs.marker], dirs: [certs.dir] }
    }

    const post = await runPost(job, { undo: JSON.stringify(forged) })
    expect(post.exitCode).toBe(0)
    const warnings = post.log.split('\n').filter(line => line.startsWith('::warning::'))
    expect(warnings).toEqual([
      `::warning::Post did not undo the job directory of the saved state: it is not a directory named setup-buildkit-registry-<12 hex digits> right in RUNNER_TEMP (${job.runnerTemp}). It cannot be proven this action's own, so nothing of it was removed.`,
      "::warning::Post did not undo the builder of the saved state: '../victim' is not a builder name the action makes. It cannot be proven this action's own, so nothing of it was removed.",
      `::warning::Post did not undo the Docker daemon trust of the saved state: ${certs.marker} is not a file of this job's in /etc/docker/certs.d. It cannot be proven this action's own, so nothing of it was removed.`
    ])
    for (const { marker } of [outside, store, certs]) expect(existsSync(marker)).toBe(true)
  })

  it('a normal run still cleans up fully: builder, job directory, nothing left in RUNNER_TEMP, no warning', async () => {
    const job = newTestJob()
    const main = await setUp(job, {
      registries: 'registry.forged.test:5000 http',
      bootstrap: 'false',
      preflight: 'off'
    })
    expect(main.exitCode).toBe(0)
    const { name, 'config-dir': configDir } = main.outputs
    expect(readFileSync(join(configDir, 'buildkitd.toml'), 'utf8')).toContain('registry.forged.test:5000')
    expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).toBe(0)

    const post = await tearDown(job)
    expect(post.exitCode).toBe(0)
    expect(post.log).not.toContain('::warning::')
    expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).not.toBe(0)
    expect(existsSync(configDir)).toBe(false)
    expect(readdirSync(job.runnerTemp)).toEqual([])
  })
})
