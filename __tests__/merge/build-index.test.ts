import { createHash } from 'node:crypto'
import { buildIndex, type IndexEntry } from '../../src/merge/build-index.js'
import { DOCKER_MANIFEST, MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../../src/registry-client/image-source.js'
import { inputErrorOf } from '../helpers/input-errors.js'

const digest = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`
const at = (line: number): { value: string; line: number } => ({ value: `line ${line}`, line })
const image = (n: number, architecture: string, mediaType = OCI_MANIFEST) => ({
  kind: 'manifest' as const,
  mediaType,
  digest: digest(n),
  size: 500 + n,
  platform: { os: 'linux', architecture }
})
const attestation = (n: number, of: number): IndexEntry => ({
  mediaType: OCI_MANIFEST,
  digest: digest(n),
  size: 300,
  platform: { os: 'unknown', architecture: 'unknown' },
  annotations: { 'vnd.docker.reference.digest': digest(of), 'vnd.docker.reference.type': 'attestation-manifest' }
})

describe('buildIndex', () => {
  it("one entry per image manifest, with its platform; the index's digest is of its bytes", () => {
    const index = buildIndex([
      { entry: at(1), content: image(1, 'amd64') },
      { entry: at(2), content: image(2, 'arm64') }
    ])
    expect(index.mediaType).toBe(OCI_INDEX)
    const document = JSON.parse(index.bytes.toString('utf8')) as { schemaVersion: number; manifests: IndexEntry[] }
    expect(document.schemaVersion).toBe(2)
    expect(document.manifests).toEqual([
      { mediaType: OCI_MANIFEST, digest: digest(1), size: 501, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: OCI_MANIFEST, digest: digest(2), size: 502, platform: { os: 'linux', architecture: 'arm64' } }
    ])
    expect(index.digest).toBe(`sha256:${createHash('sha256').update(index.bytes).digest('hex')}`)
  })

  it('a source index contributes its entries, attestation manifests included and never counted as a platform', () => {
    const legIndex = {
      kind: 'index' as const,
      mediaType: OCI_INDEX,
      digest: digest(9),
      entries: [
        { mediaType: OCI_MANIFEST, digest: digest(1), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
        attestation(3, 1)
      ]
    }
    const otherLeg = {
      ...legIndex,
      digest: digest(8),
      entries: [
        { ...legIndex.entries[0], digest: digest(2), platform: { os: 'linux', architecture: 'arm64' } },
        attestation(4, 2)
      ]
    }
    const index = buildIndex([
      { entry: at(1), content: legIndex },
      { entry: at(2), content: otherLeg }
    ])
    expect(index.entries.map(entry => entry.digest)).toEqual([digest(1), digest(3), digest(2), digest(4)])
    expect(JSON.parse(index.bytes.toString('utf8')).manifests[1].annotations).toEqual(attestation(3, 1).annotations)
  })

  it('two sources giving one platform: the sources input, the later line, both named, before anything is made', () => {
    const error = inputErrorOf(() =>
      buildIndex([
        { entry: at(1), content: image(1, 'amd64') },
        { entry: at(3), content: image(2, 'amd64') }
      ])
    )
    expect(error.input).toBe('sources')
    expect(error.line).toBe(3)
    expect(error.problem).toContain('linux/amd64 is given twice: by line 1 and by this one')
    expect(error.fix).toContain('keep one source per platform')
  })

  it('variants are platforms of their own', () => {
    const v7 = { ...image(1, 'arm'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }
    const v6 = { ...image(2, 'arm'), platform: { os: 'linux', architecture: 'arm', variant: 'v6' } }
    expect(
      buildIndex([
        { entry: at(1), content: v7 },
        { entry: at(2), content: v6 }
      ]).entries
    ).toHaveLength(2)
  })

  it('a Docker manifest list when every manifest is Docker, else an OCI index', () => {
    const docker = buildIndex([
      { entry: at(1), content: image(1, 'amd64', DOCKER_MANIFEST) },
      { entry: at(2), content: image(2, 'arm64', DOCKER_MANIFEST) }
    ])
    expect(docker.mediaType).toBe(MANIFEST_LIST)
    expect(JSON.parse(docker.bytes.toString('utf8')).mediaType).toBe(MANIFEST_LIST)
    const mixed = buildIndex([
      { entry: at(1), content: image(1, 'amd64', DOCKER_MANIFEST) },
      { entry: at(2), content: image(2, 'arm64', OCI_MANIFEST) }
    ])
    expect(mixed.mediaType).toBe(OCI_INDEX)
  })
})
