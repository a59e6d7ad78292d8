import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { gunzipSync } from 'node:zlib'

// Reads what a registry really holds, over the registry API, independent of buildx and BuildKit:
// the tests check a push there, not in buildx's output.

export interface RegistryAccess {
  /** `HOST:PORT` as the registry is addressed. */
  host: string
  tls: boolean
  /** PEM the client trusts; without it a TLS registry is read without verification. */
  ca?: string
  /** A client keypair, for registries that require one. */
  cert?: string
  key?: string
  /** Basic auth, for htpasswd registries. */
  basic?: { user: string; password: string }
  /** A token from the registry's token service, for `auth: token` registries. */
  bearer?: string
}

interface Response {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

function get(access: RegistryAccess, path: string, accept?: string): Promise<Response> {
  const headers: Record<string, string> = {}
  if (accept) headers.Accept = accept
  if (access.basic)
    headers.Authorization = `Basic ${Buffer.from(`${access.basic.user}:${access.basic.password}`).toString('base64')}`
  if (access.bearer) headers.Authorization = `Bearer ${access.bearer}`
  const [hostname, port] = [
    access.host.replace(/:\d+$/, ''),
    Number(/:(\d+)$/.exec(access.host)?.[1] ?? (access.tls ? 443 : 80))
  ]
  const options = { hostname, port, path, headers, timeout: 10000 }
  return new Promise((resolve, reject) => {
    const request = access.tls
      ? httpsRequest({
          ...options,
          ca: access.ca,
          cert: access.cert,
          key: access.key,
          rejectUnauthorized: access.ca !== undefined
        })
      : httpRequest(options)
    request.once('response', response => {
      const chunks: Buffer[] = []
      response.on('data', chunk => chunks.push(chunk))
      response.once('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) })
      )
      response.once('error', reject)
    })
    request.once('timeout', () => request.destroy(new Error(`GET ${path} on ${access.host} timed out`)))
    request.once('error', reject)
    request.end()
  })
}

async function getOk(access: RegistryAccess, path: string, accept?: string): Promise<Response> {
  const response = await get(access, path, accept)
  if (response.status !== 200)
    throw new Error(`GET ${path} on ${access.host}: ${response.status} ${response.body.toString('utf8').slice(0, 300)}`)
  return response
}

/** The repository's tags; [] when the repository does not exist. */
export async function listTags(access: RegistryAccess, repository: string): Promise<string[]> {
  const response = await get(access, `/v2/${repository}/tags/list`)
  if (response.status === 404) return []
  if (response.status !== 200) throw new Error(`tags of ${repository} on ${access.host}: ${response.status}`)
  return (JSON.parse(response.body.toString('utf8')) as { tags: string[] | null }).tags ?? []
}

interface Descriptor {
  mediaType: string
  digest: string
  platform?: { os: string; architecture: string }
  annotations?: Record<string, string>
}

interface Manifest {
  mediaType?: string
  manifests?: Descriptor[]
  layers?: Descriptor[]
  config?: Descriptor
}

export interface PushedImage {
  /** The digest of what the tag points at (an index when buildx added attestations). */
  digest: string
  /** The image manifest for this machine's platform. */
  manifest: Manifest
  /** Every layer, decompressed, as one latin1 string (tar headers and file contents). */
  layers: string
}

/** Follows `reference` (a tag or digest) to this platform's image and reads its layers. */
export async function readImage(access: RegistryAccess, repository: string, reference: string): Promise<PushedImage> {
  const top = await getOk(access, `/v2/${repository}/manifests/${reference}`, MANIFEST_TYPES)
  const digest = String(top.headers['docker-content-digest'] ?? '')
  let manifest = JSON.parse(top.body.toString('utf8')) as Manifest
  if (manifest.manifests) {
    const arch = process.arch === 'x64' ? 'amd64' : process.arch
    // Attestation manifests (buildx's provenance) carry platform unknown/unknown.
    const image = manifest.manifests.find(
      entry => entry.platform?.os === 'linux' && entry.platform.architecture === arch
    )
    if (!image)
      throw new Error(`${repository}:${reference} has no linux/${arch} image: ${JSON.stringify(manifest.manifests)}`)
    manifest = JSON.parse(
      (await getOk(access, `/v2/${repository}/manifests/${image.digest}`, MANIFEST_TYPES)).body.toString('utf8')
    ) as Manifest
  }
  const layers: string[] = []
  for (const layer of manifest.layers ?? []) {
    const blob = (await getOk(access, `/v2/${repository}/blobs/${layer.digest}`)).body
    layers.push((layer.mediaType.endsWith('gzip') ? gunzipSync(blob) : blob).toString('latin1'))
  }
  return { digest, manifest, layers: layers.join('') }
}

/** The raw manifest (or index) JSON at `reference`, e.g. a registry cache export. */
export async function readManifest(access: RegistryAccess, repository: string, reference: string): Promise<Manifest> {
  return JSON.parse(
    (await getOk(access, `/v2/${repository}/manifests/${reference}`, MANIFEST_TYPES)).body.toString('utf8')
  ) as Manifest
}
