// An image reference as Docker reads it (distribution/reference's normalized names): the registry
// is the first path component when it has a dot or a port, is `localhost` or has upper case, else
// Docker Hub (`index.docker.io` too), with `library/` before a single component. A pure leaf: the
// builder image's plan, its fetch and the merge read references alike.

/** `host/repo[:tag][@sha256:…]`, split. */
export interface ImageReference {
  /** `docker.io` for Docker Hub, else the host as written (`host[:port]`), the key of buildkitd.toml. */
  registry: string
  /** The path at the registry: `library/busybox`, `moby/buildkit`. */
  repository: string
  tag?: string
  /** `sha256:…` when pinned. */
  digest?: string
}

/** A reference that is not one; the message says what is wrong, the caller names the input and line. */
export class ImageReferenceError extends Error {}

const DIGEST = /^sha256:[a-f0-9]{64}$/
const TAG = /^[\w][\w.-]{0,127}$/
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/

/** Parses `text` as `docker pull` takes it; no tag is left undefined (the caller knows its default). Pure. */
export function parseImageReference(text: string): ImageReference {
  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest))
      throw new ImageReferenceError(`'${digest}' is not a sha256 digest (sha256: and 64 lowercase hex digits)`)
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag))
      throw new ImageReferenceError(`the tag '${tag}' is not valid (letters, digits, '_', '.', '-', at most 128)`)
  }
  const slash = rest.indexOf('/')
  const first = slash >= 0 ? rest.slice(0, slash) : ''
  const isHost = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()
  const registry = first === '' || !isHost || first === 'index.docker.io' ? 'docker.io' : first
  let repository = first !== '' && isHost ? rest.slice(slash + 1) : rest
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`
  if (!repository.split('/').every(part => COMPONENT.test(part)))
    throw new ImageReferenceError(
      `'${repository || text}' is not a repository name (lowercase letters, digits, '.', '_', '-', '/')`
    )
  return { registry, repository, tag, digest }
}

/** The reference `docker pull` fetches: `latest` when neither a tag nor a digest is written. */
export function withDefaultTag(reference: ImageReference): ImageReference {
  return reference.tag || reference.digest ? reference : { ...reference, tag: 'latest' }
}

/** `registry/repository`, as Docker writes a name. */
export function nameOf(reference: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${reference.registry}/${reference.repository}`
}

/** The reference in full, as Docker shows it normalised: `docker.io/moby/buildkit:buildx-stable-1`. */
export function referenceText(reference: ImageReference): string {
  return (
    nameOf(reference) + (reference.tag ? `:${reference.tag}` : '') + (reference.digest ? `@${reference.digest}` : '')
  )
}
