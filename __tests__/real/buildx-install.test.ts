import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newJob, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { cliPluginDirs } from '../../src/docker-client-config.js'
import { startHttpServer, type RunningServer } from '../helpers/servers.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'

// `buildx-version` against a local copy of the release page: the real buildx
// binary this machine has, served with a checksums file as GitHub serves them,
// as the release it is (0.13.1 or 0.29.1, whichever engine generation runs).

/** The buildx plugin this machine's Docker CLI runs (the system directories, as the CLI searches them). */
const REAL_BUILDX =
  cliPluginDirs({ path: '', file: {} }, {})
    .slice(1)
    .map(dir => join(dir, 'docker-buildx'))
    .find(path => existsSync(path)) ?? '/usr/local/lib/docker/cli-plugins/docker-buildx'
const ASSET = (version: string): string => `buildx-${version}.linux-amd64`
/** `github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3` → `0.13.1`. */
const VERSION = /(\d+\.\d+\.\d+)/.exec(execFileSync(REAL_BUILDX, ['version'], { encoding: 'utf8' }))?.[1] ?? 'unknown'
const RELEASE = `v${VERSION}`
/** A release that does not exist, whose binary will not match its checksums file. */
const MISMATCHED = `v${VERSION.replace(/\d+$/, patch => String(Number(patch) + 1))}`

let server: RunningServer
let binary: Buffer
const requests: string[] = []
let toolCache: string

beforeAll(async () => {
  requireDocker()
  binary = readFileSync(REAL_BUILDX)
  const sha = createHash('sha256').update(binary).digest('hex')
  const wrongSha = createHash('sha256').update('something else').digest('hex')
  const routes: Record<string, Buffer | string> = {
    '/api/releases/latest': JSON.stringify({ tag_name: RELEASE }),
    [`/releases/download/${RELEASE}/${ASSET(RELEASE)}`]: binary,
    [`/releases/download/${RELEASE}/checksums.txt`]: `${sha} *${ASSET(RELEASE)}\n${wrongSha} *${ASSET(RELEASE).replace('amd64', 'arm64')}\n`,
    // A release whose binary does not match its checksums file.
    [`/releases/download/${MISMATCHED}/${ASSET(MISMATCHED)}`]: binary,
    [`/releases/download/${MISMATCHED}/checksums.txt`]: `${wrongSha} *${ASSET(MISMATCHED)}\n`
  }
  server = await startHttpServer((request, response) => {
    requests.push(request.url ?? '')
    const body = routes[request.url ?? '']
    response.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found')
  })
  toolCache = join(newJob().root, 'tool-cache')
})

afterAll(async () => {
  await server.stop()
})

/**
 * A job whose buildx downloads come from the local release server. The URL variables are the test
 * seam of src/host/builder/buildx-install.ts: when that seam changes, only this function does.
 */
function newInstallJob(jobToolCache = toolCache): Job & { dockerConfig: string } {
  const dockerConfig = newDockerConfig()
  const job = newJob({
    DOCKER_CONFIG: dockerConfig,
    RUNNER_TOOL_CACHE: jobToolCache,
    SETUP_BUILDKIT_REGISTRY_BUILDX_RELEASES_URL: `http://${server.host}/releases`,
    SETUP_BUILDKIT_REGISTRY_BUILDX_API_URL: `http://${server.host}/api`
  })
  return { ...job, dockerConfig }
}

const inputs = { registries: 'registry.test:5443 insecure', bootstrap: 'false', preflight: 'off' }

describe('buildx-version', () => {
  it('downloads the release, checks it against checksums.txt, caches it and installs it as the CLI plugin; the next run uses the cache', async () => {
    const first = newInstallJob()
    const main = await runMain(first, { ...inputs, 'buildx-version': 'latest' })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(new RegExp(`buildx ${RELEASE} downloaded, verified \\(sha256 [0-9a-f]{64}\\) and cached`))
    expect(requests).toEqual([
      '/api/releases/latest',
      `/releases/download/${RELEASE}/${ASSET(RELEASE)}`,
      `/releases/download/${RELEASE}/checksums.txt`
    ])
    const plugin = join(first.dockerConfig, 'cli-plugins', 'docker-buildx')
    expect(readFileSync(plugin).equals(binary)).toBe(true)
    expect(readdirSync(join(toolCache, 'buildx'))).toEqual([VERSION])
    expect(docker(first.dockerConfig, ['buildx', 'version']).stdout).toContain(VERSION)
    expect(docker(first.dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).toBe(0)
    expect((await runPost(first, main.state)).exitCode).toBe(0)
    expect(readdirSync(first.runnerTemp)).toEqual([])

    const second = newInstallJob()
    requests.length = 0
    const again = await runMain(second, { ...inputs, 'buildx-version': RELEASE })
    expect(again.exitCode).toBe(0)
    expect(again.log).toContain(`buildx ${RELEASE} found in the tool cache`)
    expect(requests).toEqual([])
    expect(readFileSync(join(second.dockerConfig, 'cli-plugins', 'docker-buildx')).equals(binary)).toBe(true)
    expect((await runPost(second, again.state)).exitCode).toBe(0)
  })

  it('rejects a binary that does not match the checksums file, installing and creating nothing', async () => {
    const job = newInstallJob()
    const main = await runMain(job, { ...inputs, 'buildx-version': MISMATCHED })
    expect(main.exitCode).toBe(1)
    expect(main.log).toMatch(
      new RegExp(
        `::error::buildx ${MISMATCHED}: checksum mismatch for ${ASSET(MISMATCHED)} \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\); not installing it`
      )
    )
    expect(existsSync(join(job.dockerConfig, 'cli-plugins', 'docker-buildx'))).toBe(false)
    expect(existsSync(join(toolCache, 'buildx', MISMATCHED.slice(1)))).toBe(false)
    expect(existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp) : []).toEqual([])
    expect(
      existsSync(join(job.dockerConfig, 'buildx', 'instances'))
        ? readdirSync(join(job.dockerConfig, 'buildx', 'instances'))
        : []
    ).toEqual([])
  })

  it('cache-binary: false downloads and installs a working buildx, and leaves the tool cache exactly as it was', async () => {
    // A tool cache that already holds this version, as a stand-in script that is not buildx: with
    // cache-binary: false it must be neither used nor replaced, nor anything added beside it.
    const cache = join(newJob().root, 'tool-cache')
    const cachedDir = join(cache, 'buildx', VERSION, process.arch)
    mkdirSync(cachedDir, { recursive: true })
    writeFileSync(join(cachedDir, 'docker-buildx'), '#!/bin/sh\necho not-the-release\nexit 3\n')
    chmodSync(join(cachedDir, 'docker-buildx'), 0o755)
    writeFileSync(`${cachedDir}.complete`, '')
    const before = snapshot(cache)

    const job = newInstallJob(cache)
    requests.length = 0
    const main = await runMain(job, { ...inputs, 'buildx-version': RELEASE, 'cache-binary': 'false' })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `buildx ${RELEASE} downloaded and verified \\(sha256 [0-9a-f]{64}\\); not cached \\(cache-binary: false\\)`
      )
    )
    expect(main.log).not.toContain('found in the tool cache')
    expect(requests).toEqual([
      `/releases/download/${RELEASE}/${ASSET(RELEASE)}`,
      `/releases/download/${RELEASE}/checksums.txt`
    ])
    expect(snapshot(cache)).toEqual(before)

    // The release, not the cached script, is the job's buildx, and it runs: the builder main made is there.
    const plugin = join(job.dockerConfig, 'cli-plugins', 'docker-buildx')
    expect(readFileSync(plugin).equals(binary)).toBe(true)
    expect(docker(job.dockerConfig, ['buildx', 'version']).stdout).toContain(VERSION)
    expect(docker(job.dockerConfig, ['buildx', 'inspect', main.outputs.name])).toMatchObject({ status: 0 })

    expect((await runPost(job, main.state)).exitCode).toBe(0)
    expect(snapshot(cache)).toEqual(before)
    expect(readdirSync(job.runnerTemp)).toEqual([])
  })
})

/** Every file and directory under `dir` with its mode, mtime and content: to tell it was left alone. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {}
  const walk = (path: string): void => {
    const stat = statSync(path)
    entries[path] = `${stat.mode.toString(8)} ${stat.mtimeMs}`
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
    else entries[path] += ` ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
  }
  walk(dir)
  return entries
}
