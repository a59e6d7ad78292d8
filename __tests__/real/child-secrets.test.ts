import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neverLog } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE } from '../helpers/builds.js'
import { startForwardProxy } from '../helpers/forward-proxy.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// What the commands the action starts can see, read where every process of the machine could:
// /proc/PID/environ (the owner's) and /proc/PID/cmdline (everyone's), recorded by a buildx
// stand-in the action runs as it runs buildx. The emulator checks every step's log for the test
// secrets (neverLog).

const USER = 'ci'
const PASSWORD = `sbr-secret-${randomBytes(12).toString('hex')}`
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  neverLog(PASSWORD)
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

/** The buildx plugin this machine's Docker CLI runs (the engines' own: .ci/engine.sh puts it there). */
const REAL_BUILDX = '/usr/local/lib/docker/cli-plugins/docker-buildx'

/**
 * A buildx stand-in where the CLI finds plugins first ($DOCKER_CONFIG/cli-plugins), and where the
 * action looks: it copies its own /proc/PID/`file` (`environ` or `cmdline`, as the kernel holds it
 * for every process) into `recorded`, one file per run, then becomes the real buildx.
 */
function recordingBuildx(dockerConfig: string, file: 'environ' | 'cmdline', recorded: string): void {
  const plugins = join(dockerConfig, 'cli-plugins')
  mkdirSync(plugins, { recursive: true })
  const script = [
    '#!/bin/sh',
    `tr '\\0' '\\n' < /proc/$$/${file} > ${recorded}/$$.${file}`,
    `stat -c %a /proc/$$/${file} > ${recorded}/$$.mode`,
    `exec ${REAL_BUILDX} "$@"`,
    ''
  ]
  writeFileSync(join(plugins, 'docker-buildx'), script.join('\n'), { mode: 0o755 })
}

/** What the stand-in recorded since the last call, each run's lines, with the file's mode; then forgets them. */
function takeRecords(dir: string, file: 'environ' | 'cmdline'): { lines: string[]; mode: string }[] {
  const names = readdirSync(dir)
  const records = names
    .filter(name => name.endsWith(`.${file}`))
    .map(name => ({
      lines: readFileSync(join(dir, name), 'utf8').split('\n'),
      mode: readFileSync(join(dir, name.replace(`.${file}`, '.mode')), 'utf8').trim()
    }))
  for (const name of names) rmSync(join(dir, name))
  return records
}

describe("the step's own variables stay with the step", () => {
  it('buildx, as main and post start it, has no INPUT_*, STATE_* or runner token in /proc/PID/environ, and the builder pushes', async () => {
    const registry = await startRegistry()
    servers.push(registry)
    const recorded = mkdtempSync(join(tmpdir(), 'sbr-child-environ-'))
    const job = newTestJob({
      ACTIONS_RUNTIME_TOKEN: `runtime-${randomBytes(8).toString('hex')}`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: `oidc-${randomBytes(8).toString('hex')}`,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.invalid/request'
    })
    recordingBuildx(job.dockerConfig, 'environ', recorded)
    try {
      const main = await setUp(job, {
        registries: `${registry.host} http`,
        username: USER,
        password: PASSWORD,
        'driver-opts': `image=${BUILDKIT_IMAGE}`
      })
      expect(main.exitCode).toBe(0)
      const fromMain = takeRecords(recorded, 'environ').map(record => record.lines)
      const build = await buildAndPush(job, `${registry.host}/sbr/child-environment:1`)
      expect(build).toMatchObject({ status: 0 })
      await expectPushed({ host: registry.host, tls: false }, 'sbr/child-environment', '1', build.marker)
      // The later step's own `docker buildx build` is not the action's child.
      takeRecords(recorded, 'environ')
      expect((await tearDown(job)).exitCode).toBe(0)
      const fromPost = takeRecords(recorded, 'environ').map(record => record.lines)

      expect(fromMain.length).toBeGreaterThan(0)
      expect(fromPost.length).toBeGreaterThan(0)
      for (const environment of [...fromMain, ...fromPost]) {
        const stepOnly = environment.filter(line =>
          /^(INPUT_|STATE_|ACTIONS_RUNTIME_TOKEN=|ACTIONS_ID_TOKEN_REQUEST_)/i.test(line)
        )
        expect(stepOnly).toEqual([])
        // What buildx needs is there: which config (and builder store), and where its tools are.
        expect(environment).toContain(`DOCKER_CONFIG=${job.dockerConfig}`)
        expect(environment.some(line => line.startsWith('PATH='))).toBe(true)
      }
    } finally {
      rmSync(recorded, { recursive: true, force: true })
    }
  })
})

describe("the builder's proxy password", () => {
  const PROXY_PASSWORD = `sbr-proxy-${randomBytes(10).toString('hex')}`
  const BEHIND = 'plain.secrets.test'

  it("stands where buildx takes it, in the create's arguments (/proc/PID/cmdline, world-readable), buildx's 0600 store and the container's config; never in the log; gone after post", async () => {
    neverLog(PROXY_PASSWORD)
    const registry = await startRegistry()
    servers.push(registry)
    const proxy = await startForwardProxy({
      names: { [BEHIND]: '127.0.0.1' },
      auth: { user: 'sbr-ci', password: PROXY_PASSWORD }
    })
    servers.push(proxy)
    const target = `${BEHIND}:${registry.port}`
    const recorded = mkdtempSync(join(tmpdir(), 'sbr-create-cmdline-'))
    const job = newTestJob({ http_proxy: proxy.url, HTTPS_PROXY: proxy.url })
    recordingBuildx(job.dockerConfig, 'cmdline', recorded)
    try {
      const main = await setUp(job, { registries: `${target} http`, 'driver-opts': `image=${BUILDKIT_IMAGE}` })
      expect(main.exitCode).toBe(0)
      const create = takeRecords(recorded, 'cmdline').find(record => record.lines.includes('create'))
      // buildx gives a docker-container builder's BuildKit an environment only from `--driver-opt
      // env.NAME=VALUE` (driver/docker-container/factory.go, v0.13.1 to v0.36), read from the
      // arguments alone: the URL with its password is in the create's command line.
      expect(create?.lines).toContain(`env.http_proxy=${proxy.url}`)
      expect(create?.mode).toBe('444')

      const name = main.outputs.name
      const store = join(job.dockerConfig, 'buildx', 'instances', name)
      expect(readFileSync(store, 'utf8')).toContain(PROXY_PASSWORD)
      expect(statSync(store).mode & 0o777).toBe(0o600)
      expect(statSync(join(job.dockerConfig, 'buildx', 'instances')).mode & 0o077).toBe(0)
      const env = execFileSync(
        'docker',
        ['container', 'inspect', '--format', '{{json .Config.Env}}', `buildx_buildkit_${name}0`],
        {
          encoding: 'utf8'
        }
      )
      expect(env).toContain(PROXY_PASSWORD)

      const pushed = await buildAndPush(job, `${target}/sbr/through-proxy:1`)
      expect(pushed).toMatchObject({ status: 0 })
      await expectPushed({ host: registry.host, tls: false }, 'sbr/through-proxy', '1', pushed.marker)
      expect((await tearDown(job)).exitCode).toBe(0)
      expect(existsSync(store)).toBe(false)
    } finally {
      rmSync(recorded, { recursive: true, force: true })
    }
  })
})
