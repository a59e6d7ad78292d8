import { sha256Hex } from '../crypto.js'
import type { IncomingMessage } from 'node:http'
import { originOf, type Login, type ProxyEnv, type RegistryTarget, type Trust } from '../model.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { DOCKER_MANIFEST, MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from './image-source.js'
import { registryTrust, registryWords, send, type Answer, type RequestTrust } from './send.js'
import { authorizationFor, getToken, tokenIn, tokenUrl } from './token.js'

// The registry API the merge and the image pull need, read and write: manifests by Accept, blobs
// looked up, fetched (following redirects), mounted across repositories or copied, manifests put.
// It speaks through the one request (send.ts: the builder's TLS, the runner's proxy), logging in
// on a 401 as buildkitd does (token.ts).

/** One registry, with the trust the job's builder has for it. */
export interface RegistryEndpoint extends RegistryTarget {
  /** The runner's proxy variables. */
  proxyEnv?: ProxyEnv
  credential?: Login
  /**
   * The trust a token request gets: its CA bundle, and the keypair only where it was given for the
   * realm's host; verified unless `verify` says otherwise.
   */
  realmTrust: (realm: URL) => Trust & { verify?: boolean }
}

/** What a client does besides logging in: a mirror's namespace, and the job's cancellation. */
export interface ClientOptions {
  /** A mirror's upstream, sent as `ns=` with every request, as containerd does for mirrors. */
  namespace?: string
  /** Stops the request in flight (a cancelled job). */
  signal?: AbortSignal
}

/** A registry's refusal, its own words neutralized (they are shown in the log). */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message)
    this.name = 'RegistryError'
  }
}

export interface FetchedManifest {
  bytes: Buffer
  mediaType: string
  digest: string
}

export const INDEX_ACCEPT = [OCI_INDEX, MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ')

/** A request's deadline (a manifest, a token, a mount). */
const DEADLINE_MS = 60_000
/** A blob may be large and the link slow; the deadline only ends a transfer that hangs. */
const BLOB_DEADLINE_MS = 30 * 60_000
/** The statuses of a redirect: a blob's GET follows them, the pull lets them through. */
export const REDIRECTS = [301, 302, 303, 307, 308]
const MAX_REDIRECTS = 5

/** Takes the body of a 200 answer as it streams. */
type Sink = (response: IncomingMessage) => Promise<void>

export function digestOf(bytes: Buffer): string {
  return `sha256:${sha256Hex(bytes)}`
}

export class RegistryClient {
  private authorization?: string
  private readonly trust: RequestTrust
  private readonly base: string
  /** The registry's origin as URLs compare it (a default port left out). */
  private readonly origin: string

  /** `scopes`: every token asks for them all (`repository:NAME:pull,push`, `repository:SRC:pull`). */
  constructor(
    private readonly endpoint: RegistryEndpoint,
    private readonly scopes: string[],
    private readonly options: ClientOptions = {}
  ) {
    this.base = originOf(endpoint)
    this.origin = new URL(this.base).origin
    this.trust = registryTrust(endpoint, endpoint.proxyEnv)
  }

  /**
   * The manifest or index at `reference`, checked against it when it is a digest; undefined when the
   * registry has none.
   */
  async manifest(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    const answer = await this.request('GET', `/v2/${repository}/manifests/${reference}`, { Accept: INDEX_ACCEPT })
    if (answer.status === 404) return undefined
    expectStatus(answer, [200], `GET ${repository} manifest ${reference}`)
    const bytes = Buffer.from(answer.body, 'utf8')
    const digest = digestOf(bytes)
    if (reference.startsWith('sha256:') && digest !== reference)
      throw new RegistryError(`the manifest ${reference} of ${repository} arrived as ${digest}`)
    const mediaType = String(answer.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
    return { bytes, mediaType: (JSON.parse(answer.body) as { mediaType?: string }).mediaType || mediaType, digest }
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const answer = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, {})
    if (answer.status === 404) return false
    expectStatus(answer, [200, 307], `HEAD ${repository} blob ${digest}`)
    return true
  }

  /** The blob's bytes (following a redirect to storage, without our Authorization), checked against its digest. */
  async blob(repository: string, digest: string): Promise<Buffer> {
    let bytes: Buffer | undefined
    const sink = async (response: IncomingMessage): Promise<void> => {
      const chunks: Buffer[] = []
      for await (const chunk of response) chunks.push(chunk as Buffer)
      bytes = Buffer.concat(chunks)
    }
    const answer = await this.getFollowing(`/v2/${repository}/blobs/${digest}`, sink)
    expectStatus(answer, [200], `GET ${repository} blob ${digest}`)
    if (!bytes || digestOf(bytes) !== digest)
      throw new RegistryError(`the blob ${digest} of ${repository} arrived damaged`)
    return bytes
  }

  /**
   * Mounts `digest` from `from` into `repository`: true when the registry did (201); false when it
   * refused and started an upload instead (202, as the distribution spec lets it), which `upload`
   * then finishes at the location it gave.
   */
  async mount(
    repository: string,
    digest: string,
    from: string
  ): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const query = new URLSearchParams({ mount: digest, from })
    const answer = await this.request('POST', `/v2/${repository}/blobs/uploads/?${query}`, { 'Content-Length': '0' })
    if (answer.status === 201) return { mounted: true }
    expectStatus(answer, [202], `mount ${digest} from ${from} into ${repository}`)
    return { mounted: false, location: this.location(answer, 'the mount') }
  }

  /** A monolithic upload of `bytes` as `digest`, at `location` (an upload already started) or a new one. */
  async upload(repository: string, digest: string, bytes: Buffer, location?: string): Promise<void> {
    if (!location) {
      const started = await this.request('POST', `/v2/${repository}/blobs/uploads/`, { 'Content-Length': '0' })
      expectStatus(started, [202], `start an upload to ${repository}`)
      location = this.location(started, 'the upload')
    }
    const url = new URL(location, this.base)
    url.searchParams.set('digest', digest)
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) }
    const answer = await this.request('PUT', url.pathname + url.search, headers, bytes, undefined, BLOB_DEADLINE_MS)
    expectStatus(answer, [201], `upload ${digest} to ${repository}`)
  }

  /** PUT a manifest or index under `reference` (its digest, or a tag); the registry's digest must be ours. */
  async putManifest(repository: string, reference: string, mediaType: string, bytes: Buffer): Promise<void> {
    const headers = { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) }
    const answer = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, headers, bytes)
    expectStatus(answer, [201], `PUT ${repository} manifest ${reference}`)
    const stored = answer.headers['docker-content-digest']
    if (stored && stored !== digestOf(bytes))
      throw new RegistryError(
        `the registry stored ${repository}:${reference} as ${neutralizeUntrustedLine(String(stored), 100)}, ` +
          `not ${digestOf(bytes)}`
      )
  }

  private location(answer: Answer, what: string): string {
    const location = answer.headers.location
    if (!location) throw new RegistryError(`the registry started ${what} without a Location`)
    // Only a path (or a URL) on this registry: an upload sends our Authorization there.
    const url = new URL(location, this.base)
    if (url.origin !== this.base)
      throw new RegistryError(`the registry sent ${what} to another host (${neutralizeUntrustedLine(url.origin, 200)})`)
    return url.href
  }

  /**
   * GET a blob, following redirects (to storage, a CDN): the registry's Authorization goes only to its
   * own origin (scheme, host and port: an `https`→`http` redirect on the same host loses it), any other
   * gets the request without it. The answer that is not a redirect, or the last after five; a sink
   * takes a 200's body.
   */
  async getFollowing(path: string, sink: Sink, deadlineMs = BLOB_DEADLINE_MS): Promise<Answer> {
    let url = this.url(path)
    for (let redirects = 0; ; redirects++) {
      const answer =
        url.origin === this.origin
          ? await this.request('GET', url, {}, '', sink, deadlineMs)
          : await send(url, 'GET', {}, '', { ...this.trust, verify: true }, performance.now() + deadlineMs, {
              sink,
              signal: this.options.signal
            })
      const location = answer.headers.location
      if (!REDIRECTS.includes(answer.status) || !location || redirects >= MAX_REDIRECTS) return answer
      url = new URL(location, url)
    }
  }

  /**
   * One request with the registry's login: on a 401, a token (Bearer) or the credentials (Basic), then
   * once more. `target`: a path on the registry (the namespace added), or a URL taken as it is.
   */
  async request(
    method: string,
    target: string | URL,
    headers: Record<string, string>,
    body: string | Buffer = '',
    sink?: Sink,
    deadlineMs = DEADLINE_MS
  ): Promise<Answer> {
    const url = typeof target === 'string' ? this.url(target) : target
    const once = (): Promise<Answer> =>
      send(
        url,
        method,
        this.authorization ? { ...headers, Authorization: this.authorization } : headers,
        body,
        this.trust,
        performance.now() + deadlineMs,
        { sink, signal: this.options.signal }
      )
    const answer = await once()
    if (answer.status !== 401) return answer
    const authorization = await authorizationFor(answer, this.endpoint.credential, (realm, service) =>
      this.token(realm, service)
    )
    if (!authorization) return answer
    this.authorization = authorization
    return once()
  }

  private url(path: string): URL {
    const url = new URL(path, this.base)
    if (this.options.namespace) url.searchParams.set('ns', this.options.namespace)
    return url
  }

  /** A token for every scope at once (GET, with the credentials when there are any), as buildkitd fetches one. */
  private async token(realm: string, service: string | undefined): Promise<string> {
    const url = tokenUrl(realm, service, this.scopes)
    const trust = { verify: true, ...this.endpoint.realmTrust(url), proxyEnv: this.endpoint.proxyEnv }
    const deadline = performance.now() + DEADLINE_MS
    const answer = await getToken(url, this.endpoint.credential, trust, deadline, this.options.signal)
    expectStatus(answer, [200], `a token from ${url.origin}${url.pathname}`)
    const token = tokenIn(answer)
    if (token) return token
    throw new RegistryError(`the token service ${url.origin}${url.pathname} answered without a token`)
  }
}

function expectStatus(answer: Answer, statuses: number[], what: string): void {
  if (statuses.includes(answer.status)) return
  // The registry's words go to the log: neutralized.
  const words = neutralizeUntrustedLine(registryWords(answer.body))
  throw new RegistryError(`${what}: the registry answered ${answer.status}${words ? ` ${words}` : ''}`, answer.status)
}
