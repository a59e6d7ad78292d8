import { nameOf, parseReference } from '../../src/registry-client/reference.js'

const DIGEST = `sha256:${'a'.repeat(64)}`

describe('parseReference', () => {
  it('splits registry, repository, tag and digest as Docker reads them', () => {
    expect(parseReference(`reg.example:5000/team/app@${DIGEST}`)).toEqual({
      registry: 'reg.example:5000',
      repository: 'team/app',
      tag: undefined,
      digest: DIGEST
    })
    expect(parseReference('localhost/app:1.0')).toMatchObject({ registry: 'localhost', repository: 'app', tag: '1.0' })
    expect(parseReference('[::1]:5000/app:v1')).toMatchObject({ registry: '[::1]:5000', repository: 'app', tag: 'v1' })
  })

  it('reads a name without a registry as Docker Hub, as docker does', () => {
    expect(parseReference('alpine:3')).toMatchObject({ registry: 'docker.io', repository: 'library/alpine', tag: '3' })
    expect(nameOf(parseReference('team/app'))).toBe('docker.io/team/app')
  })

  it('refuses a malformed digest, tag or repository with what is wrong', () => {
    expect(() => parseReference('reg:5000/app@sha256:abc')).toThrow(/is not a sha256 digest/)
    expect(() => parseReference('reg:5000/app:-bad')).toThrow(/is not a valid tag/)
    expect(() => parseReference('reg:5000/App:1')).toThrow(/is not a repository name/)
  })
})
