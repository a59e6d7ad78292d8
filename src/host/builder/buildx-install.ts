import * as core from '@actions/core'
import { sha256Hex } from '../../crypto.js'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { userCliPluginDir } from '../../docker-client-config.js'
import { runnerTempDir } from '../../paths.js'
import { BUILDX_PLUGIN, buildxPluginPath } from './buildx.js'
import { replaceFile } from '../file-write.js'

/**
 * Where buildx's releases are, fixed: no variable of the environment moves them, since an earlier
 * step can set any variable (GITHUB_ENV) and would then choose the binary and its checksums alike.
 * The tests serve them at these URLs through the runner's proxy settings (a TLS-inspecting proxy
 * and its CA, as some companies' runners have), not through a seam in this code.
 */
const RELEASES_URL = 'https://github.com/docker/buildx/releases'
const LATEST_RELEASE_API = 'https://api.github.com/repos/docker/buildx/releases/latest'

/**
 * @actions/tool-cache, loaded only when buildx is installed: with the HTTP
 * client and undici it is most of the bundle, which most runs never need.
 */
function toolCache(): Promise<typeof import('@actions/tool-cache')> {
  return import('@actions/tool-cache')
}

/** The release asset for this runner, as buildx names them: `buildx-v0.19.3.linux-amd64`. */
export function releaseAssetName(version: string, platform: NodeJS.Platform, arch: string): string {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[platform as string]
  const cpu = { x64: 'amd64', arm64: 'arm64', arm: 'arm-v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[
    arch
  ]
  if (!os || !cpu) throw new Error(`buildx publishes no release for ${platform}/${arch}`)
  return `buildx-${version}.${os}-${cpu}${platform === 'win32' ? '.exe' : ''}`
}

/** The sha256 that the release's checksums file gives for `asset` (lines: `<sha256> *<asset>`). */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const [sum, name] = line.trim().split(/\s+\*?/)
    if (name === asset && /^[0-9a-f]{64}$/.test(sum)) return sum
  }
  return undefined
}

/**
 * Called once before the plugin is written, with its path and the sha256 of the release: the
 * caller keeps what is there, for post to put back (host/edits/installed-plugin.ts).
 */
export type BeforeInstall = (plugin: string, sha256: string) => Promise<void>

/**
 * Installs buildx `version` (`v0.19.3` or `latest`) as the user's Docker CLI plugin, checked
 * against the release's checksums.txt: from the tool cache when there and still matching it (a
 * shared runner's cache may have been changed since it was filled), else downloaded.
 * `cache: false` (`cache-binary: false`) neither looks in the tool cache nor keeps the download
 * there. Nothing is written to the plugin directory before the binary is verified, and
 * `beforeInstall` runs first. Returns the version installed.
 */
export async function installBuildx(requested: string, cache: boolean, beforeInstall: BeforeInstall): Promise<string> {
  return core.group(`Installing buildx ${requested}`, async () => {
    const version =
      requested === 'latest' ? await latestVersion() : requested.startsWith('v') ? requested : `v${requested}`
    const asset = releaseAssetName(version, process.platform, process.arch)
    const plugin = join(userCliPluginDir(process.env), BUILDX_PLUGIN)
    const expected = await releaseChecksum(version, asset)
    const install: InstallPlugin = async from => {
      await beforeInstall(plugin, expected)
      // Written whole with its mode from the start (file-write.ts): a link planted there is replaced.
      await replaceFile(plugin, await readFile(from), { mode: 0o755 })
    }
    if (!cache || !(await fromToolCache(version, expected, install)))
      await downloadVerified(version, asset, expected, install, cache)
    core.info(`Installed as ${plugin}`)
    return version
  })
}

/** Installs the verified binary at `from` as the plugin. */
type InstallPlugin = (from: string) => Promise<void>

/**
 * Installs the tool cache's buildx `version` (through `install`) when the cache has it and it matches
 * `expected`. The copy is checked in a download directory of this job's own, then installed from
 * there, so what was hashed is what is installed and a changed binary never reaches the plugin
 * directory. False when the cache has no such version, or a changed one: the caller then downloads
 * it again, which also replaces the cache's copy.
 */
async function fromToolCache(version: string, expected: string, install: InstallPlugin): Promise<boolean> {
  const cachedDir = (await toolCache()).find('buildx', version.slice(1), process.arch)
  if (!cachedDir) return false
  const cached = join(cachedDir, BUILDX_PLUGIN)
  return withDownloadDir(async downloads => {
    const staged = join(downloads, BUILDX_PLUGIN)
    await copyFile(cached, staged)
    const actual = sha256Hex(await readFile(staged))
    if (actual !== expected) {
      core.warning(
        `buildx ${version} in the tool cache (${cached}) does not match the release's checksums.txt ` +
          `(expected ${expected}, got ${actual}): it was changed after it was cached. Not using it; downloading the ` +
          'release again.'
      )
      return false
    }
    await install(staged)
    core.info(`buildx ${version} found in the tool cache (${cachedDir}), matching checksums.txt (sha256 ${actual})`)
    return true
  })
}

/** Runs `use` with a download directory of its own, removed afterwards so RUNNER_TEMP stays clean. */
async function withDownloadDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  // Before the job directory: RUNNER_TEMP may not be made yet (it is on a runner; not always elsewhere).
  await mkdir(runnerTempDir(process.env), { recursive: true })
  const dir = await mkdtemp(join(runnerTempDir(process.env), 'buildx-download-'))
  try {
    return await use(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The sha256 the release's checksums.txt gives for `asset`; an error when it lists none. */
async function releaseChecksum(version: string, asset: string): Promise<string> {
  const checksums = await downloadText(`${RELEASES_URL}/download/${version}/checksums.txt`, 'checksums.txt')
  const expected = checksumFor(checksums, asset)
  if (!expected)
    throw new Error(`buildx ${version}: checksums.txt lists no ${asset}; not installing an unverified binary`)
  return expected
}

/** The text at `url`, downloaded as `name` into a download directory of its own. */
async function downloadText(url: string, name: string): Promise<string> {
  return withDownloadDir(async downloads =>
    readFile(await (await toolCache()).downloadTool(url, join(downloads, name)), 'utf8')
  )
}

/**
 * Downloads the binary, verifies it against `expected`, caches it (unless `cache` is false) and
 * installs it.
 */
async function downloadVerified(
  version: string,
  asset: string,
  expected: string,
  install: InstallPlugin,
  cache: boolean
): Promise<void> {
  return withDownloadDir(async downloads => {
    const tc = await toolCache()
    const binary = await tc.downloadTool(`${RELEASES_URL}/download/${version}/${asset}`, join(downloads, asset))
    const actual = sha256Hex(await readFile(binary))
    if (actual !== expected)
      throw new Error(
        `buildx ${version}: checksum mismatch for ${asset} (expected ${expected}, got ${actual}); not installing it`
      )
    if (!cache) {
      await install(binary)
      core.info(`buildx ${version} downloaded and verified (sha256 ${actual}); not cached (cache-binary: false)`)
      return
    }
    const cachedDir = await tc.cacheFile(binary, BUILDX_PLUGIN, 'buildx', version.slice(1), process.arch)
    core.info(`buildx ${version} downloaded, verified (sha256 ${actual}) and cached`)
    await install(join(cachedDir, BUILDX_PLUGIN))
  })
}

/** A buildx release tag: v0.13.1, v0.14.0-rc1. */
const RELEASE_TAG = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/

async function latestVersion(): Promise<string> {
  const release = JSON.parse(await downloadText(LATEST_RELEASE_API, 'latest.json')) as { tag_name?: string }
  // The tag becomes a URL path and a tool-cache directory: only a release tag's shape is taken.
  if (!release.tag_name || !RELEASE_TAG.test(release.tag_name))
    throw new Error('could not tell the latest buildx release (no release tag_name in the GitHub API answer)')
  return release.tag_name
}

/** `buildx-version` set: install it. Unset: install the latest only when no buildx plugin is there. */
export async function ensureBuildx(requested: string, cache: boolean, beforeInstall: BeforeInstall): Promise<void> {
  if (requested !== '') {
    await installBuildx(requested, cache, beforeInstall)
  } else if (!buildxPluginPath(process.env)) {
    core.info('docker buildx is not installed: installing the latest release (set `buildx-version` to pin one).')
    await installBuildx('latest', cache, beforeInstall)
  }
}
