import type { Platform } from '../registry-client/image-source.js'
import { RegistryClient, type FetchedManifest, type RegistryEndpoint } from '../registry-client/registry-client.js'
import { nameOf } from '../image-reference.js'
import {
  buildIndex,
  IMAGE_MANIFEST_TYPES,
  type BuiltIndex,
  type IndexEntry,
  type SourceContent
} from './build-index.js'
import { entryError, type MergeInputs } from './merge-inputs.js'

// The merge: read every source first (a missing one, or a platform twice, is bad input, and nothing
// is made yet), then, per target repository, the blobs and manifests the index references (mounted
// or copied across), the index by its digest, and only then the tags: a failure partway leaves no
// tag pointing at a half-made index.

/** An image manifest the index references, where it is, and the blobs it needs. */
interface SourceManifest {
  repository: string
  manifest: FetchedManifest
  blobs: string[]
}

interface ManifestDocument {
  mediaType?: string
  config?: { digest: string }
  layers?: { digest: string; urls?: string[] }[]
  manifests?: IndexEntry[]
}

export interface MergeResult {
  digest: string
  mediaType: string
  mounted: number
  copied: number
}

function documentOf(manifest: FetchedManifest): ManifestDocument {
  return JSON.parse(manifest.bytes.toString('utf8')) as ManifestDocument
}

/** The blobs an image manifest needs: its config and its layers (not a foreign layer, which lives elsewhere). */
function blobsOf(document: ManifestDocument): string[] {
  return [
    document.config?.digest,
    ...(document.layers ?? []).filter(layer => !layer.urls?.length).map(layer => layer.digest)
  ].filter((digest): digest is string => !!digest)
}

type Source = MergeInputs['sources'][number]

/** What one source is, and the manifests (with their blobs) the index will reference; nothing is written. */
async function readSource(client: RegistryClient, source: Source, manifests: SourceManifest[]): Promise<SourceContent> {
  const { repository, digest } = source.value
  const fetched = await client.manifest(repository, digest)
  if (!fetched)
    throw entryError(
      'sources',
      source,
      `${nameOf(source.value)}@${digest} is not at the registry (no manifest by that digest)`,
      'check the digest and repository: the leg must have pushed it (--output ' +
        `type=image,name=${nameOf(source.value)},push-by-digest=true,push=true) and its digest passed on unchanged`
    )
  const document = documentOf(fetched)
  if (IMAGE_MANIFEST_TYPES.includes(fetched.mediaType)) {
    const config = JSON.parse(
      (await client.blob(repository, document.config?.digest ?? '')).toString('utf8')
    ) as Platform
    const platform = {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant ? { variant: config.variant } : {})
    }
    manifests.push({ repository, manifest: fetched, blobs: blobsOf(document) })
    return { kind: 'manifest', mediaType: fetched.mediaType, digest, size: fetched.bytes.length, platform }
  }
  const entries = document.manifests ?? []
  for (const child of entries) {
    const childManifest = await client.manifest(repository, child.digest)
    if (!childManifest)
      throw entryError(
        'sources',
        source,
        `the index ${nameOf(source.value)}@${digest} references ${child.digest}, which is not at the registry`,
        'push the leg again: its index is incomplete'
      )
    manifests.push({ repository, manifest: childManifest, blobs: blobsOf(documentOf(childManifest)) })
  }
  return { kind: 'index', mediaType: fetched.mediaType, digest, entries }
}

/** Into `target`: every blob and manifest from another repository (mounted, else copied), then the index by digest. */
async function pushInto(
  client: RegistryClient,
  target: string,
  manifests: SourceManifest[],
  index: BuiltIndex,
  counts: { mounted: number; copied: number }
): Promise<void> {
  for (const { repository, manifest, blobs } of manifests) {
    if (repository === target) continue
    for (const blob of blobs) {
      if (await client.hasBlob(target, blob)) continue
      const mount = await client.mount(target, blob, repository)
      if (mount.mounted) {
        counts.mounted++
        continue
      }
      await client.upload(target, blob, await client.blob(repository, blob), mount.location)
      counts.copied++
    }
    await client.putManifest(target, manifest.digest, manifest.mediaType, manifest.bytes)
  }
  await client.putManifest(target, index.digest, index.mediaType, index.bytes)
}

export async function runMergeWith(
  inputs: MergeInputs,
  endpoint: RegistryEndpoint,
  log: (line: string) => void
): Promise<MergeResult> {
  const targets = [...new Set(inputs.tags.map(tag => tag.value.repository))]
  const sourceRepositories = [...new Set(inputs.sources.map(source => source.value.repository))]
  const scopes = [
    ...targets.map(repository => `repository:${repository}:pull,push`),
    ...sourceRepositories
      .filter(repository => !targets.includes(repository))
      .map(repository => `repository:${repository}:pull`)
  ]
  const client = new RegistryClient(endpoint, scopes)

  const manifests: SourceManifest[] = []
  const contents: { entry: Source; content: SourceContent }[] = []
  for (const source of inputs.sources)
    contents.push({ entry: source, content: await readSource(client, source, manifests) })
  const index = buildIndex(contents)
  log(`The index ${index.digest} (${index.mediaType}) holds ${index.entries.length} manifests.`)

  const counts = { mounted: 0, copied: 0 }
  for (const target of targets) await pushInto(client, target, manifests, index, counts)
  if (counts.mounted + counts.copied > 0)
    log(
      `Blobs from other repositories: ${counts.mounted} mounted, ${counts.copied} ` +
        `copied${counts.copied ? ' (the registry did not mount them)' : ''}.`
    )
  for (const tag of inputs.tags) {
    await client.putManifest(tag.value.repository, tag.value.tag, index.mediaType, index.bytes)
    log(`Tagged ${nameOf(tag.value)}:${tag.value.tag}`)
  }
  return { digest: index.digest, mediaType: index.mediaType, ...counts }
}
