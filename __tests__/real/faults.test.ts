import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { onExit } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob } from './jobs.js'

// Faults of the machine around the action: each ends in a message that says what is wrong and
// nothing half-made, and cleanup never turns a job red.

let pki: TestPki

beforeAll(() => {
  requireDocker()
  pki = makePki()
})

function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []
}

/** A tmpfs of `options` at a new directory, unmounted when the test process exits (and by the test). */
function tmpfs(options: string): { path: string; unmount(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sbr-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path])
  let mounted = true
  const unmount = (): void => {
    if (mounted) spawnSync('umount', [path])
    mounted = false
  }
  onExit(unmount)
  return { path, unmount }
}

const inputs = {
  registries: 'registry.test:5443',
  'ca-cert': '',
  'client-cert': '',
  'client-key': '',
  preflight: 'off',
  bootstrap: 'false'
}

describe('faults', () => {
  it('dockerd gone between main and post: post warns with the command to run later, removes the key files, and succeeds', async () => {
    const job = newTestJob()
    const withKeys = {
      ...inputs,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      'driver-opts': bootDriverOpts(),
      bootstrap: 'true'
    }
    const main = await runMain(job, withKeys)
    expect(main.exitCode).toBe(0)
    const name = main.outputs.name
    try {
      const unreachable = { ...job, env: { ...job.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } }
      const post = await runPost(unreachable, main.state, withKeys)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::error::')
      expect(post.log).toMatch(new RegExp(`::warning::.*${name}.*docker buildx rm ${name}`))
      expect(filesUnder(job.runnerTemp)).toEqual([])
    } finally {
      docker(job.dockerConfig, ['buildx', 'rm', name])
    }
    expect(containerExists(name)).toBe(false)
  })

  it('RUNNER_TEMP full: main fails naming RUNNER_TEMP, and leaves no builder and no file', async () => {
    // One page: the job directory fits, its files do not.
    const full = tmpfs('size=4k,mode=0755')
    try {
      const job = newTestJob({ RUNNER_TEMP: full.path })
      const withKeys = { ...inputs, 'ca-cert': pki.caCert, 'client-cert': pki.clientCert, 'client-key': pki.clientKey }
      const main = await runMain({ ...job, runnerTemp: full.path }, withKeys)
      expect(main.exitCode).toBe(1)
      expect(main.log).toMatch(/::error::.*RUNNER_TEMP.*(no space left|ENOSPC)/i)
      expect(filesUnder(full.path)).toEqual([])
      expect(
        existsSync(join(job.dockerConfig, 'buildx', 'instances'))
          ? readdirSync(join(job.dockerConfig, 'buildx', 'instances'))
          : []
      ).toEqual([])
      expect((await runPost({ ...job, runnerTemp: full.path }, main.state, withKeys)).exitCode).toBe(0)
    } finally {
      full.unmount()
    }
  })

  it('RUNNER_TEMP read-only: main fails naming RUNNER_TEMP before anything is created', async () => {
    const readOnly = tmpfs('size=1m,ro')
    try {
      const job = newTestJob()
      const main = await runMain({ ...job, runnerTemp: readOnly.path }, inputs)
      expect(main.exitCode).toBe(1)
      expect(main.log).toMatch(/::error::.*RUNNER_TEMP.*(read-only|EROFS)/i)
      expect((await runPost({ ...job, runnerTemp: readOnly.path }, main.state, inputs)).exitCode).toBe(0)
    } finally {
      readOnly.unmount()
    }
  })

  it('docker missing from PATH: main fails saying so, with nothing written', async () => {
    const emptyBin = mkdtempSync(join(tmpdir(), 'sbr-empty-path-'))
    mkdirSync(join(emptyBin, 'bin'))
    const job = newJob({ PATH: join(emptyBin, 'bin') })
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/::error::.*`docker`.*(not found|PATH)/i)
    expect(filesUnder(job.runnerTemp)).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
  })
})
