import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { onExit } from '../helpers/servers.js'
import { filesUnder } from '../helpers/files.js'
import { builderNames, docker, requireDocker } from './docker.js'
import { containerExists, newTestJob } from './jobs.js'

// Faults of the machine around the action: each ends in a message that says what is wrong and
// nothing half-made, and cleanup never turns a job red.

let pki: TestPki
/** The buildx plugin this machine's Docker CLI runs. */
const REAL_BUILDX = '/usr/local/lib/docker/cli-plugins/docker-buildx'

beforeAll(() => {
  requireDocker()
  pki = makePki()
})

/** A unix socket that forwards to the real daemon's while started: a daemon the test can take away. */
async function startDockerSocketProxy(): Promise<{ path: string; start(): Promise<void>; stop(): Promise<void> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'sbr-docker-proxy-')), 'docker.sock')
  let server: Server | undefined
  const sockets = new Set<Socket>()
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer(client => {
        const upstream = connect('/var/run/docker.sock')
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.once('close', () => sockets.delete(socket))
          socket.on('error', () => undefined)
        }
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(path, resolve)
    })
  const stop = (): Promise<void> =>
    new Promise(resolve => {
      for (const socket of sockets) socket.destroy()
      if (!server) return resolve()
      server.close(() => resolve())
      server = undefined
    })
  await start()
  return { path, start, stop }
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
  it('dockerd gone between main and post: post warns naming what is left and the command that removes it, removes the key files, and succeeds', async () => {
    // The builder's endpoint is a socket of the test's own in front of the real daemon; closing it
    // makes the daemon gone for this builder alone (buildx uses the endpoint stored with it).
    const daemon = await startDockerSocketProxy()
    const job = newTestJob()
    const withKeys = {
      ...inputs,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      endpoint: `unix://${daemon.path}`,
      'driver-opts': bootDriverOpts(),
      bootstrap: 'true'
    }
    const main = await runMain(job, withKeys)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const name = main.outputs.name
    try {
      await daemon.stop()
      const post = await runPost(job, main.state, withKeys)
      expect(post.exitCode).toBe(0)
      expect(post.log).not.toContain('::error::')
      // buildx forgets the builder all the same; what is left on the daemon, and how to remove it, is said.
      expect(post.log).toContain(`::warning::Could not remove builder ${name}: `)
      expect(post.log).toContain(
        `still there: container buildx_buildkit_${name}0, volume buildx_buildkit_${name}0_state (Cannot connect to the Docker daemon at unix://${daemon.path}`
      )
      const host = `docker --host unix://${daemon.path}`
      const removeCommand = `${host} rm -f buildx_buildkit_${name}0 && ${host} volume rm buildx_buildkit_${name}0_state`
      expect(post.log).toContain(`remove them with \`${removeCommand}\``)
      expect(docker(job.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(name)
      expect(filesUnder(job.runnerTemp)).toEqual([])
    } finally {
      // The command the warning gives.
      spawnSync(
        'sh',
        ['-c', `docker rm -f buildx_buildkit_${name}0 && docker volume rm buildx_buildkit_${name}0_state`],
        {
          stdio: 'ignore'
        }
      )
      await daemon.stop()
    }
    expect(containerExists(name)).toBe(false)
    expect(spawnSync('docker', ['volume', 'inspect', `buildx_buildkit_${name}0_state`]).status).not.toBe(0)
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
      expect(builderNames(job.dockerConfig)).toEqual([])
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

  it('buildx too old for a flag the inputs need: main fails naming the flag, the input and the fix, with nothing left', async () => {
    // No release older than this machine's buildx can be had here: a plugin in front of it answers
    // `version` as buildx v0.6.3 does, whose `create` has no `--bootstrap` (added in v0.7.0, buildx
    // commit 5d50bd7b4), and passes everything else on. The refusal is the real buildx's own: it is
    // asked the same flag on `ls`, which has none either, and prints what every buildx prints for a
    // flag a command lacks (`ERROR: unknown flag: --bootstrap`: spf13/pflag's `unknown flag: --%s`,
    // vendor/github.com/spf13/pflag/flag.go:978 at buildx v0.6.3 and v0.13.1, errors.go at v0.29.1).
    const job = newTestJob()
    const plugins = join(job.dockerConfig, 'cli-plugins')
    mkdirSync(plugins)
    writeFileSync(
      join(plugins, 'docker-buildx'),
      [
        '#!/bin/sh',
        'if [ "$1" = version ]; then echo "github.com/docker/buildx v0.6.3 266c0eac611d64fcc0c72d80206aa364e826758d"; exit 0; fi',
        `for arg in "$@"; do if [ "$arg" = --bootstrap ]; then exec ${REAL_BUILDX} ls --bootstrap; fi; done`,
        `exec ${REAL_BUILDX} "$@"`,
        ''
      ].join('\n'),
      { mode: 0o755 }
    )
    const main = await runMain(job, { ...inputs, bootstrap: 'true', 'driver-opts': bootDriverOpts() })
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(
      '::error::buildx v0.6.3 does not know `--bootstrap`, which bootstrap needs: it is too old. Set `buildx-version` (or `version`) to a newer release'
    )
    expect(filesUnder(job.runnerTemp)).toEqual([])
    expect(builderNames(job.dockerConfig)).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
  })

  it('a registry preflight finds down, on a runner with no Docker client config directory: post leaves none', async () => {
    // A new runner user: no ~/.docker. Main makes it (and buildx's store in it) to keep its undo
    // record; `preflight: error` then fails the step before any buildx command makes anything there.
    const home = mkdtempSync(join(tmpdir(), 'sbr-home-'))
    const dockerConfig = join(home, '.docker')
    const job = newJob({ DOCKER_CONFIG: dockerConfig })
    const failing = { ...inputs, registries: '127.0.0.1:1 http', preflight: 'error' }
    const main = await runMain(job, failing)
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(/^::error::.*127\.0\.0\.1:1/m)
    expect(filesUnder(dockerConfig)).toEqual([
      'buildx',
      'buildx/setup-buildkit-registry-jobs',
      expect.stringMatching(/^buildx\/setup-buildkit-registry-jobs\/setup-buildkit-registry-[0-9a-f]{12}\.json$/)
    ])
    expect((await runPost(job, main.state, failing)).exitCode).toBe(0)
    expect(readdirSync(home)).toEqual([])
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
