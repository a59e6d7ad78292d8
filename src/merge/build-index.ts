import { sha256Hex } from '../crypto.js'
import {
  DOCKER_MANIFEST,
  MANIFEST_LIST,
  OCI_INDEX,
  OCI_MANIFEST,
  type Platform
} from '../registry-client/image-source.js'
import { entryError, type Entry } from './merge-inputs.js'

// The index the merge writes, from what the sources are (pure): each image manifest an entry with
// its platform, each source index its entries (attestation manifests included), no platform twice.

/** One manifest descriptor as an index holds it. */
export interface IndexEntry {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
}

/** What a source is at the registry: an image manifest (with its config's platform) or an index. */
export type SourceContent =
  | { kind: 'manifest'; mediaType: string; digest: string; size: number; platform: Platform }
  | { kind: 'index'; mediaType: string; digest: string; entries: IndexEntry[] }

export interface BuiltIndex {
  mediaType: typeof OCI_INDEX | typeof MANIFEST_LIST
  bytes: Buffer
  digest: string
  entries: IndexEntry[]
}

/** buildx's attestation manifests: they describe an image of the index, and carry platform unknown/unknown. */
export function isAttestation(entry: IndexEntry): boolean {
  return entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'
}

export function platformText(platform: Platform | undefined): string {
  if (!platform) return 'no platform'
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')
}

/**
 * A Docker manifest list when every manifest is a Docker one (what a registry or client that
 * predates OCI reads, and what `buildx imagetools create` writes for such sources); an OCI index
 * otherwise: a Docker list must not reference OCI manifests, and attestations are OCI.
 */
function indexMediaType(entries: IndexEntry[]): BuiltIndex['mediaType'] {
  return entries.every(entry => entry.mediaType === DOCKER_MANIFEST) ? MANIFEST_LIST : OCI_INDEX
}

/** The sources' manifests as one index; two sources giving one platform is the `sources` input's error. */
export function buildIndex(sources: { entry: Entry<unknown>; content: SourceContent }[]): BuiltIndex {
  const seen = new Map<string, Entry<unknown>>()
  const entries: IndexEntry[] = []
  for (const { entry, content } of sources) {
    const own: IndexEntry[] =
      content.kind === 'manifest'
        ? [{ mediaType: content.mediaType, digest: content.digest, size: content.size, platform: content.platform }]
        : content.entries
    for (const item of own) {
      if (isAttestation(item)) {
        entries.push(item)
        continue
      }
      const key = platformText(item.platform)
      const earlier = seen.get(key)
      if (earlier) {
        const first = `line ${earlier.line}${earlier.entry ? `, ${earlier.entry}` : ''}`
        throw entryError(
          'sources',
          entry,
          `${key} is given twice: by ${first} and by this one (${item.digest}); an index holds one image per platform`,
          `keep one source per platform (a leg that built ${key} twice, or the same digest listed twice?)`
        )
      }
      seen.set(key, entry)
      entries.push(item)
    }
  }
  const mediaType = indexMediaType(entries)
  const document = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map(entry => ({
      mediaType: entry.mediaType,
      digest: entry.digest,
      size: entry.size,
      ...(entry.platform ? { platform: entry.platform } : {}),
      ...(entry.annotations ? { annotations: entry.annotations } : {})
    }))
  }
  const bytes = Buffer.from(JSON.stringify(document), 'utf8')
  return { mediaType, bytes, digest: `sha256:${sha256Hex(bytes)}`, entries }
}

/** The manifest media types the merge reads and writes. */
export const IMAGE_MANIFEST_TYPES = [DOCKER_MANIFEST, OCI_MANIFEST]
