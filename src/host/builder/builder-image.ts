import { createReadStream, createWriteStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import { once } from 'node:events'
import { neutralizeUntrusted, neutralizeUntrustedLine } from '../../untrusted-text.js'
import { CANCELLED_EXIT_CODE, CommandError, runCommand, tryCommand } from '../process/command.js'
import { dockerEndpointArgs } from './buildkit-container.js'
import { imageInLocalDaemon } from './daemon-socket.js'

// The builder's image in the Docker daemon the builder runs on: is it there, which platform the
// daemon pulls for, its own pull, and loading an image fetched elsewhere as a docker-archive (the
// format of `docker save`), under the name buildx boots. Loading makes no other tag, and the
// daemon needs no trust of where the image came from.

/** Whether the daemon has an image of exactly this name (what buildx falls back to when its pull fails). */
export async function imageInDaemon(endpoint: string, name: string): Promise<boolean> {
  // Asked on the daemon's socket where the CLI would ask there: one process fewer before the create.
  const asked = await imageInLocalDaemon(endpoint, name)
  if (asked !== undefined) return asked
  const args = [...dockerEndpointArgs(endpoint), 'image', 'inspect', '--format', '{{.Id}}', name]
  const result = await tryCommand('docker', args)
  // Not started because the job is being cancelled: no answer, and not "absent" (which would fetch).
  if (result.exitCode === CANCELLED_EXIT_CODE)
    throw new CommandError(`docker ${args.join(' ')}`, result.exitCode, result.stderr)
  return result.exitCode === 0
}

/** The daemon's platform, which an index's manifest is chosen for (`docker version`: Go's GOOS/GOARCH). */
export async function daemonPlatform(endpoint: string): Promise<{ os: string; architecture: string }> {
  const out = await runCommand('docker', [
    ...dockerEndpointArgs(endpoint),
    'version',
    '--format',
    '{{.Server.Os}}/{{.Server.Arch}}'
  ])
  const [os, architecture] = out.trim().split('/')
  return { os: os || 'linux', architecture: architecture || 'amd64' }
}

/** How `docker pull` ended: its exit code, and its error as it may be shown. */
export interface DaemonPull {
  exitCode: number
  /**
   * The daemon's error, neutralized and on one line: it quotes the registry's error body (`denied:
   * …`), and goes into retry lines, warnings and the step's error.
   */
  error: string
}

/** `docker pull NAME`: the daemon's own mirrors (registry-mirrors), proxy and the stored logins apply. */
export async function pullWithDaemon(endpoint: string, name: string): Promise<DaemonPull> {
  const result = await tryCommand('docker', [...dockerEndpointArgs(endpoint), 'pull', '--quiet', name])
  return { exitCode: result.exitCode, error: neutralizeUntrustedLine(result.stderr.trim()) }
}

/**
 * `docker load` of an archive; returns the daemon's words (`Loaded image: NAME`, names from the image), neutralized.
 */
export async function loadArchive(endpoint: string, archive: string): Promise<string> {
  return neutralizeUntrusted(
    (await runCommand('docker', [...dockerEndpointArgs(endpoint), 'load', '--input', archive])).trim()
  )
}

/** An image's files, as fetched: its config JSON and its layers (gzip or plain tar), in order. */
export interface ImageFiles {
  config: { path: string }
  layers: { path: string }[]
}

/**
 * Writes a docker-archive: manifest.json naming the config, the layers and `repoTag`, beside the
 * files themselves. dockerd's loader (image/tarexport/load.go, and the containerd image store's
 * import) decompresses each layer itself and checks it against the config's diff_ids.
 * The tar is written here, not by a library or the `tar` command: a flat archive of regular files
 * with short names is one ustar header each, and that needs neither a dependency in the bundle nor
 * a tool a minimal self-hosted runner may lack.
 */
export async function writeDockerArchive(path: string, image: ImageFiles, repoTag: string): Promise<void> {
  const manifest = [
    {
      Config: basename(image.config.path),
      RepoTags: [repoTag],
      Layers: image.layers.map(layer => basename(layer.path))
    }
  ]
  const out = createWriteStream(path)
  const done = once(out, 'close')
  const write = async (chunk: Buffer): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  for (const file of [image.config, ...image.layers]) {
    const size = statSync(file.path).size
    await write(tarHeader(basename(file.path), size))
    for await (const chunk of createReadStream(file.path)) await write(chunk as Buffer)
    await write(Buffer.alloc(padding(size)))
  }
  const manifestBytes = Buffer.from(JSON.stringify(manifest))
  await write(tarHeader('manifest.json', manifestBytes.length))
  await write(manifestBytes)
  await write(Buffer.alloc(padding(manifestBytes.length)))
  // Two empty blocks end a tar.
  out.end(Buffer.alloc(1024))
  await done
}

function padding(size: number): number {
  return (512 - (size % 512)) % 512
}

/** A ustar header for a regular file of `size` bytes; names here are short (a digest and a suffix). */
export function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`)
  const header = Buffer.alloc(512)
  const field = (offset: number, length: number, text: string): void => {
    header.write(text, offset, length, 'utf8')
  }
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0') + '\0'
  field(0, 100, name)
  field(100, 8, octal(0o644, 8))
  field(108, 8, octal(0, 8))
  field(116, 8, octal(0, 8))
  field(124, 12, octal(size, 12))
  field(136, 12, octal(0, 12))
  // The checksum is computed with its own field as spaces.
  field(148, 8, '        ')
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let sum = 0
  for (const byte of header) sum += byte
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return header
}
