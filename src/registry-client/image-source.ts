// The pure rules of fetching an image from a registry (image-pull.ts does the fetching): which
// manifest of an index fits the daemon, which failures are worth another try, how long to wait.

/** An image's platform, as an OCI index lists it and as the daemon reports its own. */
export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export const MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
/** What a pull accepts, as docker and containerd ask (no schema 1: no registry serves BuildKit that way). */
export const MANIFEST_ACCEPT = [MANIFEST_LIST, OCI_INDEX, DOCKER_MANIFEST, OCI_MANIFEST].join(', ')

export interface Descriptor {
  mediaType?: string
  digest: string
  size: number
  platform?: Platform
}

/** A manifest or an index, the parts a pull reads. */
export interface ManifestDocument {
  mediaType?: string
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
}

/** Whether the document is an index (a manifest list): the media type, else the shape tells. */
export function isIndex(document: ManifestDocument, contentType = ''): boolean {
  const type = document.mediaType || contentType.split(';')[0].trim()
  return type === MANIFEST_LIST || type === OCI_INDEX || (!type && Array.isArray(document.manifests))
}

/** The variant an architecture has when none is written (containerd's platforms.Normalize). */
function defaultVariant(architecture: string): string | undefined {
  return architecture === 'arm64' ? 'v8' : architecture === 'arm' ? 'v7' : undefined
}

/**
 * The entry of an index the daemon would pull for `platform`: the same OS and architecture, and
 * the variant when both say one (a missing one is the architecture's default); attestation
 * manifests (platform unknown/unknown) never match. undefined when none fits. Pure.
 */
export function choosePlatform(manifests: Descriptor[], platform: Platform): Descriptor | undefined {
  const wanted = platform.variant ?? defaultVariant(platform.architecture)
  const fits = manifests.filter(
    entry => entry.platform?.os === platform.os && entry.platform.architecture === platform.architecture
  )
  return (
    fits.find(entry => (entry.platform?.variant ?? defaultVariant(platform.architecture)) === wanted) ??
    fits.find(entry => !entry.platform?.variant)
  )
}

/** How a failed request is taken: tried again, a rate limit (said as such), or a plain failure. */
export type FailureKind = 'transient' | 'rate-limit' | 'fatal'

/** Error codes of a connection that broke or timed out on the way, not of one refused. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET'])

/**
 * A registry's answer or a connection's error, classified as docker/setup-buildx-action's retries
 * and containerd's do: 5xx and 408 and broken or timed-out connections are transient; 429 is a rate
 * limit; anything else (401, 404, a refused connection, a certificate) will not change on its own. Pure.
 */
export function classifyFailure(failure: { status?: number; code?: string }): FailureKind {
  if (failure.status === 429) return 'rate-limit'
  if (failure.status !== undefined) return failure.status >= 500 || failure.status === 408 ? 'transient' : 'fatal'
  return failure.code && TRANSIENT_CODES.has(failure.code) ? 'transient' : 'fatal'
}

/** What `docker pull` says of a failure that may pass: a 5xx, a timeout, a connection cut. */
const TRANSIENT_PULL_WORDS = new RegExp(
  [
    '\\b(500|502|503|504)\\b',
    'Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out',
    'i/o timeout|TLS handshake timeout|connection reset|unexpected EOF|Client\\.Timeout'
  ].join('|'),
  'i'
)

/** The same for `docker pull`'s own words (the daemon's error, as the CLI prints it). Pure. */
export function classifyPullMessage(text: string): FailureKind {
  if (/toomanyrequests|429 Too Many Requests|rate limit/i.test(text)) return 'rate-limit'
  if (TRANSIENT_PULL_WORDS.test(text)) return 'transient'
  return 'fatal'
}

/** Attempts per request, and the wait before each retry: 1 s, 2 s, 4 s (within a minute of backoff). */
export const PULL_ATTEMPTS = 4
export function retryDelayMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 1)
}
