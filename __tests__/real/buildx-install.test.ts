import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { dirname, join } from 'node:path'
import { crashJob, newJob, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { cliPluginDirs } from '../../src/docker-client-config.js'
import { makePki } from '../helpers/certs.js'
import { startInterceptingProxy, type InterceptingProxy } from '../helpers/intercepting-proxy.js'
import { startHttpServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { bootDriverOpts } from '../helpers/builds.js'
import { buildAndPush, expectPushed } from './pushes.js'
import { builderNames, docker, newDockerConfig, requireDocker } from './docker.js'

// `buildx-version` against a local copy of the release page: the real buildx
// binary this machine has, served with a checksums file as GitHub serves them,
// as the release it is (0.13.1 or 0.29.1, whichever engine generation runs).
// The bundle asks for https://github.com/... and https://api.github.com/... as it does on
// every runner; the job's HTTPS_PROXY is a TLS-inspecting proxy (helpers/intercepting-proxy.ts)
// whose CA the step trusts through NODE_EXTRA_CA_CERTS, as on a company's runner behind one.

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

let proxy: InterceptingProxy
/** What the test-only variables the action once read pointed at: it must never be asked. */
let decoy: RunningServer
let binary: Buffer
const decoyRequests: string[] = []
let toolCache: string
/** Where a later step of the job pushes, through the builder the installed release made. */
let registry: RunningServer

const RELEASES = 'github.com/docker/buildx/releases/download'
const LATEST = 'api.github.com/repos/docker/buildx/releases/latest'

beforeAll(async () => {
  requireDocker()
  binary = readFileSync(REAL_BUILDX)
  const sha = createHash('sha256').update(binary).digest('hex')
  const wrongSha = createHash('sha256').update('something else').digest('hex')
  const routes: Record<string, Buffer | string> = {
    [LATEST]: JSON.stringify({ tag_name: RELEASE }),
    [`${RELEASES}/${RELEASE}/${ASSET(RELEASE)}`]: binary,
    [`${RELEASES}/${RELEASE}/checksums.txt`]: `${sha} *${ASSET(RELEASE)}\n${wrongSha} *${ASSET(RELEASE).replace('amd64', 'arm64')}\n`,
    // A release whose binary does not match its checksums file.
    [`${RELEASES}/${MISMATCHED}/${ASSET(MISMATCHED)}`]: binary,
    [`${RELEASES}/${MISMATCHED}/checksums.txt`]: `${wrongSha} *${ASSET(MISMATCHED)}\n`
  }
  proxy = await startInterceptingProxy(makePki(), ['github.com', 'api.github.com'], (request, response) => {
    const body = routes[`${request.headers.host ?? ''}${request.url ?? ''}`]
    response.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found')
  })
  // A release of its own, binary and checksums alike, at the URLs the old variables named.
  const other = Buffer.from('#!/bin/sh\necho not buildx\n')
  const otherSha = createHash('sha256').update(other).digest('hex')
  decoy = await startHttpServer((request, response) => {
    decoyRequests.push(request.url ?? '')
    if (request.url === '/api/releases/latest') return response.end(JSON.stringify({ tag_name: RELEASE }))
    if (request.url?.endsWith('/checksums.txt')) return response.end(`${otherSha} *${ASSET(RELEASE)}\n`)
    response.end(other)
  })
  toolCache = join(newJob().root, 'tool-cache')
  registry = await startRegistry()
})

afterAll(async () => {
  await proxy?.stop()
  await decoy?.stop()
  await registry?.stop()
})

/** Requests the proxy served since `before` (a count of requests()). */
function servedSince(before: number): string[] {
  return proxy.requests().slice(before)
}

function newInstallJob(cacheDir = toolCache): Job & { dockerConfig: string } {
  const dockerConfig = newDockerConfig()
  const job = newJob({
    DOCKER_CONFIG: dockerConfig,
    RUNNER_TOOL_CACHE: cacheDir,
    HTTPS_PROXY: proxy.url,
    NODE_EXTRA_CA_CERTS: proxy.caCertPath,
    // The test seams of earlier versions, set as an earlier step could (GITHUB_ENV): ignored.
    SETUP_BUILDKIT_REGISTRY_BUILDX_RELEASES_URL: `http://${decoy.host}/releases`,
    SETUP_BUILDKIT_REGISTRY_BUILDX_API_URL: `http://${decoy.host}/api`
  })
  return { ...job, dockerConfig }
}

const inputs = { registries: 'registry.test:5443 insecure', bootstrap: 'false', preflight: 'off' }

/** A runner's admin wrapped buildx: `docker buildx version` says so; everything else is buildx. */
const wrapper = `#!/bin/sh\nif [ "$2" = version ]; then echo "the runner's own buildx"; exit 0; fi\nexec ${REAL_BUILDX} "$@"\n`

/** The runner's own plugin, the wrapper, in a job's Docker client config; its path. */
function ownPlugin(job: { dockerConfig: string }): string {
  const plugin = join(job.dockerConfig, 'cli-plugins', 'docker-buildx')
  mkdirSync(dirname(plugin))
  writeFileSync(plugin, wrapper)
  chmodSync(plugin, 0o750)
  return plugin
}

describe('buildx-version', () => {
  it('downloads the release, checks it against checksums.txt, caches it and installs it as the CLI plugin; the next run uses the cache', async () => {
    const first = newInstallJob()
    const before = proxy.requests().length
    const main = await runMain(first, { ...inputs, 'buildx-version': 'latest' })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(new RegExp(`buildx ${RELEASE} downloaded, verified \\(sha256 [0-9a-f]{64}\\) and cached`))
    expect(servedSince(before)).toEqual([
      LATEST,
      `${RELEASES}/${RELEASE}/checksums.txt`,
      `${RELEASES}/${RELEASE}/${ASSET(RELEASE)}`
    ])
    const plugin = join(first.dockerConfig, 'cli-plugins', 'docker-buildx')
    expect(readFileSync(plugin).equals(binary)).toBe(true)
    expect(readdirSync(join(toolCache, 'buildx'))).toEqual([VERSION])
    expect(docker(first.dockerConfig, ['buildx', 'version']).stdout).toContain(VERSION)
    expect(docker(first.dockerConfig, ['buildx', 'inspect', main.outputs.name]).status).toBe(0)
    const post = await runPost(first, main.state)
    expect(post.exitCode).toBe(0)
    expect(post.log).toContain(`Removed the buildx plugin ${plugin}, which the job installed.`)
    expect(readdirSync(first.runnerTemp)).toEqual([])
    // The runner had no plugin of its own: the one installed goes, with the directory made for it.
    expect(existsSync(join(first.dockerConfig, 'cli-plugins'))).toBe(false)

    const second = newInstallJob()
    const beforeSecond = proxy.requests().length
    const again = await runMain(second, { ...inputs, 'buildx-version': RELEASE })
    expect(again.exitCode).toBe(0)
    expect(again.log).toMatch(
      new RegExp(`buildx ${RELEASE} found in the tool cache \\(.*\\), matching checksums.txt \\(sha256 [0-9a-f]{64}\\)`)
    )
    // Only the checksums, to check the cached binary against; the binary itself is not fetched again.
    expect(servedSince(beforeSecond)).toEqual([`${RELEASES}/${RELEASE}/checksums.txt`])
    expect(readFileSync(join(second.dockerConfig, 'cli-plugins', 'docker-buildx')).equals(binary)).toBe(true)
    expect((await runPost(second, again.state)).exitCode).toBe(0)
    expect(decoyRequests).toEqual([])
  })

  it('refuses a tool cache entry changed after it was cached: a warning naming it, the release downloaded again and installed', async () => {
    const cacheDir = join(newJob().root, 'tool-cache')
    const filling = newInstallJob(cacheDir)
    const filled = await runMain(filling, { ...inputs, 'buildx-version': RELEASE })
    expect(filled.exitCode).toBe(0)
    expect((await runPost(filling, filled.state)).exitCode).toBe(0)
    // What someone with write access to a shared runner's tool cache could do between two jobs.
    const cached = join(cacheDir, 'buildx', VERSION, process.arch, 'docker-buildx')
    appendFileSync(cached, '\n# changed\n')

    const job = newInstallJob(cacheDir)
    const before = proxy.requests().length
    const main = await runMain(job, { ...inputs, 'buildx-version': RELEASE })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `::warning::buildx ${RELEASE} in the tool cache \\(${cached}\\) does not match the release's checksums.txt \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\): it was changed after it was cached. Not using it; downloading the release again.`
      )
    )
    expect(main.log).not.toContain('found in the tool cache')
    expect(servedSince(before)).toEqual([
      `${RELEASES}/${RELEASE}/checksums.txt`,
      `${RELEASES}/${RELEASE}/${ASSET(RELEASE)}`
    ])
    expect(readFileSync(join(job.dockerConfig, 'cli-plugins', 'docker-buildx')).equals(binary)).toBe(true)
    // The cache holds the release again.
    expect(readFileSync(cached).equals(binary)).toBe(true)
    expect((await runPost(job, main.state)).exitCode).toBe(0)
    expect(decoyRequests).toEqual([])
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
    expect(existsSync(join(job.dockerConfig, 'cli-plugins'))).toBe(false)
    expect(existsSync(join(toolCache, 'buildx', MISMATCHED.slice(1)))).toBe(false)
    expect(existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp) : []).toEqual([])
    expect(builderNames(job.dockerConfig)).toEqual([])
  })

  it("puts back the runner's own buildx plugin after the job, a file byte for byte with its mode, or a symbolic link", async () => {
    for (const own of ['file', 'link'] as const) {
      const job = newInstallJob()
      const plugins = join(job.dockerConfig, 'cli-plugins')
      const plugin = join(plugins, 'docker-buildx')
      if (own === 'file') {
        ownPlugin(job)
      } else {
        mkdirSync(plugins)
        symlinkSync(REAL_BUILDX, plugin)
      }
      const main = await runMain(job, {
        registries: `${registry.host} http`,
        'driver-opts': bootDriverOpts(),
        preflight: 'off',
        'buildx-version': RELEASE
      })
      expect(main.log).not.toContain('::error::')
      expect(main.exitCode).toBe(0)
      // The job's later steps run the release, and push through the builder.
      expect(readFileSync(plugin).equals(binary)).toBe(true)
      expect(lstatSync(plugin).isSymbolicLink()).toBe(false)
      expect(docker(job.dockerConfig, ['buildx', 'version']).stdout).toContain(VERSION)
      const pushed = await buildAndPush(job, `${registry.host}/pinned:${own}`)
      // BuildKit's error lines (buildx 0.29 may log an unrelated http2 `PROTOCOL_ERROR` and still push).
      expect(pushed.stderr).not.toMatch(/^(#\d+ )?ERROR\b/m)
      expect(pushed.status).toBe(0)
      await expectPushed({ host: registry.host, tls: false }, 'pinned', own, pushed.marker)

      const post = await runPost(job, main.state)
      expect(post.exitCode).toBe(0)
      expect(post.log).toContain(`Put back the buildx plugin ${plugin} that was there before the job.`)
      expect(post.log).not.toContain('::warning::')
      expect(readdirSync(plugins)).toEqual(['docker-buildx'])
      if (own === 'file') {
        expect(readFileSync(plugin, 'utf8')).toBe(wrapper)
        expect(statSync(plugin).mode & 0o777).toBe(0o750)
        expect(docker(job.dockerConfig, ['buildx', 'version']).stdout).toBe("the runner's own buildx\n")
      } else {
        expect(readlinkSync(plugin)).toBe(REAL_BUILDX)
      }
      expect(builderNames(job.dockerConfig)).toEqual([])
    }
  })

  it("a later job's reclaim puts back the plugin of a job that died without its post step", async () => {
    const dead = newInstallJob()
    const plugin = ownPlugin(dead)
    const main = await runMain(dead, { ...inputs, 'buildx-version': RELEASE })
    expect(main.exitCode).toBe(0)
    // The runner's worker dies (power lost, the OOM killer): no post step runs.
    await crashJob(dead)
    expect(readFileSync(plugin).equals(binary)).toBe(true)

    // The runner's next job: the same client config and RUNNER_TEMP, no `buildx-version`.
    const next = {
      ...newJob({ ...dead.env, RUNNER_TEMP: dead.runnerTemp, GITHUB_RUN_ID: '2' }),
      dockerConfig: dead.dockerConfig
    }
    const again = await runMain(next, inputs)
    expect(again.exitCode).toBe(0)
    expect(again.log).not.toContain('::warning::')
    expect(again.log).toMatch(new RegExp(`^Reclaimed the buildx plugin ${plugin}, put back, left by `, 'm'))
    expect(readFileSync(plugin, 'utf8')).toBe(wrapper)
    expect(statSync(plugin).mode & 0o777).toBe(0o750)
    expect(readdirSync(dirname(plugin))).toEqual(['docker-buildx'])
    expect(docker(next.dockerConfig, ['buildx', 'version']).stdout).toBe("the runner's own buildx\n")
    expect((await runPost(next, again.state)).exitCode).toBe(0)
    expect(builderNames(next.dockerConfig)).toEqual([])
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
    const served = proxy.requests().length
    const main = await runMain(job, { ...inputs, 'buildx-version': RELEASE, 'cache-binary': 'false' })
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(main.log).toMatch(
      new RegExp(
        `buildx ${RELEASE} downloaded and verified \\(sha256 [0-9a-f]{64}\\); not cached \\(cache-binary: false\\)`
      )
    )
    expect(main.log).not.toContain('found in the tool cache')
    expect(servedSince(served)).toEqual([
      `${RELEASES}/${RELEASE}/checksums.txt`,
      `${RELEASES}/${RELEASE}/${ASSET(RELEASE)}`
    ])
    expect(decoyRequests).toEqual([])
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
