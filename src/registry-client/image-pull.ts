import { nodeCrypto } from '../crypto.js'
import { createWriteStream } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { sleep } from '../sleep.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { digestOf, REDIRECTS, RegistryClient, RegistryError, type RegistryEndpoint } from './registry-client.js'
import { registryTrust, registryWords, type Answer } from './send.js'
import {
  choosePlatform,
  classifyFailure,
  isIndex,
  MANIFEST_ACCEPT,
  PULL_ATTEMPTS,
  retryDelayMs,
  type Descriptor,
  type FailureKind,
  type ManifestDocument,
  type Platform
} from './image-source.js'

// Fetches an image from a registry (a mirror) into files, through the registry client the merge
// uses (registry-client.ts: the TLS, proxy and token rules preflight checks with), so the pull has
// the trust and the route a build has. Every request is retried on transient failures
// (image-source.ts), each retry logged.

/** Where to fetch from: a registry or a mirror, with the builder's settings for it. */
export interface PullSource extends Omit<RegistryEndpoint, 'realmTrust'> {
  /** The repository at this host: a mirror's path prefix, then the image's repository. */
  repository: string
  /** A mirror's upstream, sent as `ns=` as containerd does for mirrors; undefined for the registry itself. */
  namespace?: string
}

/** The files of a fetched image: its config and its layers, in order, each checked against its digest. */
export interface PulledImage {
  manifestDigest?: string
  config: { digest: string; path: string }
  layers: { digest: string; path: string; mediaType?: string }[]
}

/**
 * A failed pull, with how it failed: a rate limit gets its own message upstream. The message is
 * neutralized here, the one way this client's failures leave it: it quotes the registry's body,
 * Node's errors (a certificate's names) and the manifest's fields, and it reaches retry lines,
 * warnings and the step's error.
 */
export class PullError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number
  ) {
    super(neutralizeUntrustedLine(message))
    this.name = 'PullError'
  }
}

export interface PullOptions {
  /** The job's cancellation: stops the request in flight and every retry. */
  signal?: AbortSignal
  log: (line: string) => void
}

/** Fetches `reference` (a tag or a digest) for `platform` from `source` into `dir`. */
export async function pullImage(
  source: PullSource,
  reference: string,
  platform: Platform,
  dir: string,
  options: PullOptions
): Promise<PulledImage> {
  const client = new ImageFetch(source, options)
  let manifest = await client.manifest(reference)
  let manifestDigest = reference.includes(':') ? reference : undefined
  if (isIndex(manifest.document, manifest.contentType)) {
    const entry = choosePlatform(manifest.document.manifests ?? [], platform)
    if (!entry) {
      const offered = (manifest.document.manifests ?? [])
        .map(each => each.platform && `${each.platform.os}/${each.platform.architecture}`)
        .filter(Boolean)
      throw new PullError(
        `the image has no manifest for the daemon's platform ${platform.os}/${platform.architecture} ` +
          `(it has ${offered.join(', ') || 'none'})`,
        'fatal'
      )
    }
    // The index's word: checked before it goes into a request's path.
    hexOf(entry.digest)
    manifest = await client.manifest(entry.digest)
    manifestDigest = entry.digest
  }
  const { config, layers } = manifest.document
  if (!config || !Array.isArray(layers))
    throw new PullError('the registry answered with a manifest that has no config or layers (schema 1?)', 'fatal')
  const configPath = join(dir, `${hexOf(config.digest)}.json`)
  await client.blob(config, configPath)
  const files: PulledImage['layers'] = []
  for (const layer of layers) {
    const path = join(dir, `${hexOf(layer.digest)}.layer`)
    await client.blob(layer, path)
    files.push({ digest: layer.digest, path, mediaType: layer.mediaType })
  }
  return { manifestDigest, config: { digest: config.digest, path: configPath }, layers: files }
}

function hexOf(digest: string): string {
  const [algorithm, hex] = digest.split(':')
  if (algorithm !== 'sha256' || !/^[a-f0-9]{64}$/.test(hex ?? ''))
    throw new PullError(`unsupported digest ${digest} (only sha256)`, 'fatal')
  return hex
}

/** The pull's side of the registry client: its manifests and blobs, each request retried. */
class ImageFetch {
  private readonly client: RegistryClient

  constructor(
    private readonly source: PullSource,
    private readonly options: PullOptions
  ) {
    // The pull's token comes as buildkitd fetches it: with the registry's own trust, verified as it is.
    const realmTrust = registryTrust(source)
    this.client = new RegistryClient(
      { ...source, realmTrust: () => realmTrust },
      [`repository:${source.repository}:pull`],
      { namespace: source.namespace, signal: options.signal }
    )
  }

  async manifest(reference: string): Promise<{ document: ManifestDocument; contentType: string }> {
    const path = `/v2/${this.source.repository}/manifests/${reference}`
    const answer = await this.retried(`manifest ${reference}`, async () =>
      checked(await this.client.request('GET', path, { Accept: MANIFEST_ACCEPT }), path)
    )
    if (reference.startsWith('sha256:')) {
      const digest = digestOf(Buffer.from(answer.body, 'utf8'))
      if (digest !== reference) throw new PullError(`the manifest ${reference} arrived as ${digest}`, 'fatal')
    }
    try {
      return {
        document: JSON.parse(answer.body) as ManifestDocument,
        contentType: String(answer.headers['content-type'] ?? '')
      }
    } catch {
      throw new PullError(`the manifest ${reference} is not JSON`, 'fatal')
    }
  }

  /**
   * The blob into `path`, following redirects (the registry's Authorization only to its own origin),
   * its digest and size checked.
   */
  async blob(descriptor: Descriptor, path: string): Promise<void> {
    await this.retried(`blob ${descriptor.digest}`, async () => {
      let sent: { digest: string; size: number } | undefined
      const sink = async (response: IncomingMessage): Promise<void> => {
        const hash = nodeCrypto().createHash('sha256')
        let size = 0
        response.on('data', (chunk: Buffer) => {
          hash.update(chunk)
          size += chunk.length
        })
        await pipeline(response, createWriteStream(path))
        sent = { digest: `sha256:${hash.digest('hex')}`, size }
      }
      const blobPath = `/v2/${this.source.repository}/blobs/${descriptor.digest}`
      const answer = await this.client.getFollowing(blobPath, sink)
      if (answer.status !== 200) throw failure(answer, `blob ${descriptor.digest}`)
      if (!sent || sent.digest !== descriptor.digest || sent.size !== descriptor.size)
        throw new PullError(
          `the blob ${descriptor.digest} arrived as ${sent?.digest ?? 'nothing'} ` +
            `(${sent?.size ?? 0} of ${descriptor.size} bytes)`,
          // A transfer cut short is worth another try; a registry serving other bytes is not.
          sent && sent.size < descriptor.size ? 'transient' : 'fatal'
        )
    })
  }

  /** `attempt`, tried again on transient failures with a growing wait, each retry logged with its reason. */
  private async retried<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let number = 1; ; number++) {
      try {
        return await attempt()
      } catch (error) {
        const pullError = asPullError(error, what)
        if (this.options.signal?.aborted) throw new PullError(`cancelled while fetching the ${what}`, 'fatal')
        if (pullError.kind !== 'transient' || number >= PULL_ATTEMPTS) throw pullError
        const wait = retryDelayMs(number)
        this.options.log(
          `${this.source.host.text}: ${pullError.message}; ` +
            `retrying in ${wait / 1000} s (attempt ${number + 1} of ${PULL_ATTEMPTS})`
        )
        await sleep(wait, this.options.signal)
      }
    }
  }
}

/** A non-2xx answer as a PullError; 2xx passes (a sink has taken the body). */
function checked(answer: Answer, path: string): Answer {
  if ((answer.status >= 200 && answer.status < 300) || REDIRECTS.includes(answer.status)) return answer
  throw failure(answer, path)
}

function failure(answer: Answer, what: string): PullError {
  const kind = classifyFailure({ status: answer.status })
  const words = registryWords(answer.body)
  return new PullError(`${what} answered ${answer.status}${words ? ` ${words}` : ''}`, kind, answer.status)
}

function asPullError(error: unknown, what: string): PullError {
  if (error instanceof PullError) return error
  // The client's own refusals (a token service's answer), classified by their status.
  if (error instanceof RegistryError)
    return new PullError(error.message, classifyFailure({ status: error.status }), error.status)
  const { code, message } = error as NodeJS.ErrnoException
  return new PullError(`fetching the ${what} failed: ${code ? `${code} ` : ''}${message}`, classifyFailure({ code }))
}
