import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { originOf, type Login, type ProxyEnv, type RegistryTarget } from '../model.js'
import { sleep } from '../sleep.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { registryWords, send, type Answer, type RequestTrust } from './send.js'
import { authorizationFor, getToken, tokenIn, tokenUrl } from './token.js'
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

// Fetches an image from a registry (a mirror) into files, with the request and login preflight
// uses (send.ts, token.ts: their TLS, proxy and token rules), so the pull has the trust and the
// route a build has. Every request is retried on transient failures (image-source.ts), each retry logged.

/** Where to fetch from: a registry or a mirror, with the builder's settings for it. */
export interface PullSource extends RegistryTarget {
  /** The proxy variables of the process that fetches (the runner's). */
  proxyEnv?: ProxyEnv
  credential?: Login
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

const MANIFEST_DEADLINE_MS = 60_000
/** A blob may be large and the link slow; the deadline only ends a transfer that hangs. */
const BLOB_DEADLINE_MS = 30 * 60_000
const MAX_REDIRECTS = 5

/** Fetches `reference` (a tag or a digest) for `platform` from `source` into `dir`. */
export async function pullImage(
  source: PullSource,
  reference: string,
  platform: Platform,
  dir: string,
  options: PullOptions
): Promise<PulledImage> {
  const client = new RegistryClient(source, options)
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

class RegistryClient {
  private authorization?: string
  private readonly base: string
  private readonly trust: RequestTrust

  constructor(
    private readonly source: PullSource,
    private readonly options: PullOptions
  ) {
    this.base = originOf(source)
    this.trust = {
      ca: source.ca,
      keypair: source.keypair,
      verify: source.transport !== 'insecure',
      proxyEnv: source.proxyEnv
    }
  }

  async manifest(reference: string): Promise<{ document: ManifestDocument; contentType: string }> {
    const url = this.url(`manifests/${reference}`)
    const answer = await this.retried(`manifest ${reference}`, () =>
      this.authorized(url, { Accept: MANIFEST_ACCEPT }, MANIFEST_DEADLINE_MS)
    )
    if (reference.startsWith('sha256:')) verifyDigest(Buffer.from(answer.body, 'utf8'), reference, 'manifest')
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
      let url = this.url(`blobs/${descriptor.digest}`)
      let sent: { digest: string; size: number } | undefined
      const sink = async (response: IncomingMessage): Promise<void> => {
        const hash = createHash('sha256')
        let size = 0
        response.on('data', (chunk: Buffer) => {
          hash.update(chunk)
          size += chunk.length
        })
        await pipeline(response, createWriteStream(path))
        sent = { digest: `sha256:${hash.digest('hex')}`, size }
      }
      for (let redirects = 0; ; redirects++) {
        const answer = mayCarryAuthorization(url, this.base)
          ? await this.authorized(url, {}, BLOB_DEADLINE_MS, sink)
          : await this.request(url, {}, BLOB_DEADLINE_MS, sink, { ...this.trust, verify: true })
        const location = answer.headers.location
        if ([301, 302, 303, 307, 308].includes(answer.status) && location && redirects < MAX_REDIRECTS) {
          url = new URL(location, url)
          continue
        }
        if (answer.status !== 200) throw failure(answer, `blob ${descriptor.digest}`)
        break
      }
      if (!sent || sent.digest !== descriptor.digest || sent.size !== descriptor.size)
        throw new PullError(
          `the blob ${descriptor.digest} arrived as ${sent?.digest ?? 'nothing'} ` +
            `(${sent?.size ?? 0} of ${descriptor.size} bytes)`,
          // A transfer cut short is worth another try; a registry serving other bytes is not.
          sent && sent.size < descriptor.size ? 'transient' : 'fatal'
        )
    })
  }

  private url(tail: string): URL {
    const url = new URL(`${this.base}/v2/${this.source.repository}/${tail}`)
    if (this.source.namespace) url.searchParams.set('ns', this.source.namespace)
    return url
  }

  /** A request with the registry's login: on a 401, a token (Bearer) or the credentials (Basic), then once more. */
  private async authorized(
    url: URL,
    headers: Record<string, string>,
    deadlineMs: number,
    sink?: (response: IncomingMessage) => Promise<void>
  ): Promise<Answer> {
    const answer = await this.request(url, headers, deadlineMs, sink)
    if (answer.status !== 401) return checked(answer, url)
    const authorization = await authorizationFor(answer, this.source.credential, (realm, service) =>
      this.token(realm, service)
    )
    if (!authorization) return checked(answer, url)
    this.authorization = authorization
    return checked(await this.request(url, headers, deadlineMs, sink), url)
  }

  /** A pull token from the realm (GET, with the credentials when there are any), as buildkitd fetches it. */
  private async token(realm: string, service: string | undefined): Promise<string> {
    const url = tokenUrl(realm, service, [`repository:${this.source.repository}:pull`])
    const deadline = performance.now() + MANIFEST_DEADLINE_MS
    const answer = await getToken(url, this.source.credential, this.trust, deadline, this.options.signal)
    if (answer.status !== 200) throw failure(answer, `a token from ${url.origin}${url.pathname}`)
    const token = tokenIn(answer)
    if (token) return token
    throw new PullError(`the token service ${url.origin}${url.pathname} answered without a token`, 'fatal')
  }

  private request(
    url: URL,
    headers: Record<string, string>,
    deadlineMs: number,
    sink?: (response: IncomingMessage) => Promise<void>,
    trust: RequestTrust = this.trust
  ): Promise<Answer> {
    const withAuth =
      this.authorization && trust === this.trust ? { ...headers, Authorization: this.authorization } : headers
    return send(url, 'GET', withAuth, '', trust, performance.now() + deadlineMs, { sink, signal: this.options.signal })
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

/**
 * Whether a request to `url` may carry the registry's Authorization: only to the origin it was made
 * for (scheme, host and port), as a browser keeps credentials. `url.host` alone is not enough: it
 * leaves default ports out, so `https://registry/…` redirected to `http://registry/…` has the same
 * host and would send the password or token in clear text. Any other origin (a CDN, a downgrade)
 * gets the request without it. This is the one redirect the registry client follows: manifests,
 * tokens and auth probes take a 3xx as an answer.
 */
function mayCarryAuthorization(url: URL, origin: string): boolean {
  return url.origin === new URL(origin).origin
}

/** A non-2xx answer as a PullError; 2xx passes (a sink has taken the body). */
function checked(answer: Answer, url: URL): Answer {
  if (answer.status >= 200 && answer.status < 300) return answer
  if ([301, 302, 303, 307, 308].includes(answer.status)) return answer
  throw failure(answer, url.pathname)
}

function failure(answer: Answer, what: string): PullError {
  const kind = classifyFailure({ status: answer.status })
  const words = registryWords(answer.body)
  return new PullError(`${what} answered ${answer.status}${words ? ` ${words}` : ''}`, kind, answer.status)
}

function asPullError(error: unknown, what: string): PullError {
  if (error instanceof PullError) return error
  const { code, message } = error as NodeJS.ErrnoException
  return new PullError(`fetching the ${what} failed: ${code ? `${code} ` : ''}${message}`, classifyFailure({ code }))
}

function verifyDigest(bytes: Buffer, digest: string, what: string): void {
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
  if (actual !== digest) throw new PullError(`the ${what} ${digest} arrived as ${actual}`, 'fatal')
}
