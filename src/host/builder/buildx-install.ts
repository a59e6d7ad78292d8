import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { userCliPluginDir } from '../../docker-client-config.js'
import { runnerTempDir } from '../../paths.js'
import { BUILDX_PLUGIN, buildxPluginPath } from './buildx.js'

/**
 * Where the releases come from. The environment variables exist for the tests,
 * which serve a real buildx binary from a local server; users leave them unset.
 */
function releasesUrl(): string {
  return process.env.SETUP_BUILDKIT_REGISTRY_BUILDX_RELEASES_URL || 'https://github.com/docker/buildx/releases'
}
function apiUrl(): string {
  return process.env.SETUP_BUILDKIT_REGISTRY_BUILDX_API_URL || 'https://api.github.com/repos/docker/buildx'
}

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
 * Installs buildx `version` (`v0.19.3` or `latest`) as the user's Docker CLI
 * plugin: from the tool cache when there, else downloaded and checked against
 * the release's checksums file. `cache: false` (`cache-binary: false`) neither
 * looks in the tool cache nor keeps the download there. Returns the version installed.
 */
export async function installBuildx(requested: string, cache = true): Promise<string> {
  return core.group(`Installing buildx ${requested}`, async () => {
    const version =
      requested === 'latest' ? await latestVersion() : requested.startsWith('v') ? requested : `v${requested}`
    const asset = releaseAssetName(version, process.platform, process.arch)
    const pluginName = BUILDX_PLUGIN
    const pluginDir = userCliPluginDir(process.env)
    await mkdir(pluginDir, { recursive: true })
    if (!cache) {
      await downloadVerified(version, asset, pluginName, join(pluginDir, pluginName))
    } else {
      let cachedDir = (await toolCache()).find('buildx', version.slice(1), process.arch)
      if (cachedDir) {
        core.info(`buildx ${version} found in the tool cache: ${cachedDir}`)
      } else {
        cachedDir = await downloadVerified(version, asset, pluginName)
      }
      await copyFile(join(cachedDir, pluginName), join(pluginDir, pluginName))
    }
    await chmod(join(pluginDir, pluginName), 0o755)
    core.info(`Installed as ${join(pluginDir, pluginName)}`)
    return version
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

/** Downloads the binary and checksums.txt, verifies, and caches the binary (or, given `copyTo`, copies it there instead). */
async function downloadVerified(version: string, asset: string, pluginName: string, copyTo?: string): Promise<string> {
  return withDownloadDir(async downloads => {
    const tc = await toolCache()
    const base = `${releasesUrl()}/download/${version}`
    const binary = await tc.downloadTool(`${base}/${asset}`, join(downloads, asset))
    const checksums = await readFile(
      await tc.downloadTool(`${base}/checksums.txt`, join(downloads, 'checksums.txt')),
      'utf8'
    )
    const expected = checksumFor(checksums, asset)
    if (!expected)
      throw new Error(`buildx ${version}: checksums.txt lists no ${asset}; not installing an unverified binary`)
    const actual = createHash('sha256')
      .update(await readFile(binary))
      .digest('hex')
    if (actual !== expected)
      throw new Error(
        `buildx ${version}: checksum mismatch for ${asset} (expected ${expected}, got ${actual}); not installing it`
      )
    if (copyTo) {
      await copyFile(binary, copyTo)
      core.info(`buildx ${version} downloaded and verified (sha256 ${actual}); not cached (cache-binary: false)`)
      return copyTo
    }
    const cachedDir = await tc.cacheFile(binary, pluginName, 'buildx', version.slice(1), process.arch)
    core.info(`buildx ${version} downloaded, verified (sha256 ${actual}) and cached`)
    return cachedDir
  })
}

async function latestVersion(): Promise<string> {
  return withDownloadDir(async downloads => {
    const tc = await toolCache()
    const release = JSON.parse(
      await readFile(await tc.downloadTool(`${apiUrl()}/releases/latest`, join(downloads, 'latest.json')), 'utf8')
    ) as { tag_name?: string }
    if (!release.tag_name)
      throw new Error('could not tell the latest buildx release (no tag_name in the GitHub API answer)')
    return release.tag_name
  })
}

/** `buildx-version` set: install it. Unset: install the latest only when no buildx plugin is there. */
export async function ensureBuildx(requested: string, cache = true): Promise<void> {
  if (requested !== '') {
    await installBuildx(requested, cache)
  } else if (!buildxPluginPath(process.env)) {
    core.info('docker buildx is not installed: installing the latest release (set `buildx-version` to pin one).')
    await installBuildx('latest', cache)
  }
}
