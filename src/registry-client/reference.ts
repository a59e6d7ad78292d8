// An image reference as Docker reads it (distribution/reference's normalized names): the registry
// is the first path component when it has a dot or a port or is `localhost`, else Docker Hub.

/** `host/repo[:tag][@sha256:…]`, split. */
export interface ImageReference {
  /** The registry as written (`host[:port]`), the key of buildkitd.toml and the Docker client config. */
  registry: string
  repository: string
  tag?: string
  digest?: string
}

const DIGEST = /^sha256:[a-f0-9]{64}$/
const TAG = /^[\w][\w.-]{0,127}$/
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/

/** Parses `text`; the error says what is wrong with it (the caller names the input and line). Pure. */
export function parseReference(text: string): ImageReference {
  let rest = text
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest))
      throw new Error(`'${digest}' is not a sha256 digest (sha256: and 64 lowercase hex digits)`)
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) throw new Error(`'${tag}' is not a valid tag`)
  }
  const slash = rest.indexOf('/')
  const first = slash >= 0 ? rest.slice(0, slash) : ''
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')
  const registry = hasRegistry ? first : 'docker.io'
  let repository = hasRegistry ? rest.slice(slash + 1) : rest
  if (!hasRegistry && !repository.includes('/')) repository = `library/${repository}`
  if (!repository || !repository.split('/').every(part => COMPONENT.test(part)))
    throw new Error(`'${repository || text}' is not a repository name (lowercase letters, digits, '.', '_', '-', '/')`)
  return { registry, repository, tag, digest }
}

/** `registry/repository`, as Docker writes a name. */
export function nameOf(reference: { registry: string; repository: string }): string {
  return `${reference.registry}/${reference.repository}`
}
