import {
  ImageReferenceError,
  nameOf,
  parseImageReference,
  referenceText,
  withDefaultTag
} from '../src/image-reference.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

describe('parseImageReference', () => {
  it('splits registry, repository, tag and digest as Docker reads them', () => {
    expect(parseImageReference(`reg.example:5000/team/app@${DIGEST}`)).toEqual({
      registry: 'reg.example:5000',
      repository: 'team/app',
      tag: undefined,
      digest: DIGEST
    })
    expect(parseImageReference('localhost/app:1.0')).toMatchObject({
      registry: 'localhost',
      repository: 'app',
      tag: '1.0'
    })
    expect(parseImageReference('[::1]:5000/app:v1')).toMatchObject({
      registry: '[::1]:5000',
      repository: 'app',
      tag: 'v1'
    })
  })

  it('reads a name without a registry as Docker Hub, as docker does', () => {
    expect(parseImageReference('alpine:3')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/alpine',
      tag: '3'
    })
    expect(nameOf(parseImageReference('team/app'))).toBe('docker.io/team/app')
  })

  it('refuses a malformed digest, tag or repository with what is wrong', () => {
    expect(() => parseImageReference('reg:5000/app@sha256:abc')).toThrow(/is not a sha256 digest/)
    expect(() => parseImageReference('reg:5000/app:-bad')).toThrow(/the tag '-bad' is not valid/)
    expect(() => parseImageReference('reg:5000/App:1')).toThrow(/is not a repository name/)
  })
})

describe('parseImageReference and withDefaultTag: as Docker normalises names', () => {
  it.each([
    ['moby/buildkit:buildx-stable-1', 'docker.io/moby/buildkit:buildx-stable-1'],
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/moby/buildkit:v0.20.2', 'docker.io/moby/buildkit:v0.20.2'],
    ['localhost/buildkit', 'localhost/buildkit:latest'],
    ['localhost:5000/tools/buildkit:v1', 'localhost:5000/tools/buildkit:v1'],
    ['registry.example.com/moby/buildkit', 'registry.example.com/moby/buildkit:latest'],
    ['[::1]:5000/buildkit:v1', '[::1]:5000/buildkit:v1'],
    ['Registry/buildkit:v1', 'Registry/buildkit:v1'],
    ['local/buildkit:v0.20.2', 'docker.io/local/buildkit:v0.20.2'],
    [`moby/buildkit@sha256:${'a'.repeat(64)}`, `docker.io/moby/buildkit@sha256:${'a'.repeat(64)}`],
    [`moby/buildkit:v1@sha256:${'b'.repeat(64)}`, `docker.io/moby/buildkit:v1@sha256:${'b'.repeat(64)}`]
  ])('%s is %s', (name, full) => {
    expect(referenceText(withDefaultTag(parseImageReference(name)))).toBe(full)
  })

  it.each([
    'Moby/BuildKit',
    'moby/buildkit:',
    'moby/buildkit@sha256:xyz',
    'moby//buildkit',
    ':tag',
    'moby/buildkit:-x'
  ])('%s is refused', name => {
    expect(() => parseImageReference(name)).toThrow(ImageReferenceError)
  })
})
