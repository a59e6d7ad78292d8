import { parseHost } from '../src/inputs/hosts.js'
import { authKey, basicAuth, isLoopback, portOf } from '../src/model.js'

const host = (text: string) => parseHost(text, 'registries', 1)

describe('portOf: the port a connection goes to', () => {
  it('the written port whatever the transport', () => {
    expect(portOf(host('reg:5000'), 'http')).toBe(5000)
    expect(portOf(host('reg:5000'), 'tls')).toBe(5000)
  })

  it('without one: 80 for plain HTTP, 443 for TLS, verified or not', () => {
    expect(portOf(host('reg'), 'http')).toBe(80)
    expect(portOf(host('reg'), 'tls')).toBe(443)
    expect(portOf(host('reg'), 'insecure')).toBe(443)
  })
})

describe('isLoopback', () => {
  it('finds loopback hosts, which the builder container cannot reach on its own network', () => {
    expect(
      ['localhost:5000', 'LOCALHOST', 'registry.localhost:1', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']
        .map(host)
        .every(isLoopback)
    ).toBe(true)
    expect(
      ['registry.local:5000', '10.0.0.1', '[fd00::1]:5000', 'localhost.example.com'].map(host).some(isLoopback)
    ).toBe(false)
  })
})

describe('authKey: the Docker client config key of a registry', () => {
  it("Docker Hub's is its old index URL, under either name", () => {
    expect(authKey('docker.io')).toBe('https://index.docker.io/v1/')
    expect(authKey('index.docker.io')).toBe('https://index.docker.io/v1/')
  })

  it('any other registry is keyed as written, port included', () => {
    expect(authKey('registry-1.docker.io')).toBe('registry-1.docker.io')
    expect(authKey('reg.internal:5443')).toBe('reg.internal:5443')
  })
})

describe('basicAuth: what Docker stores for a credential', () => {
  it('is base64 of user:password, as `docker login` writes it', () => {
    expect(basicAuth({ host: 'reg', username: 'ci', password: 's3cret' })).toBe('Y2k6czNjcmV0')
  })

  it('keeps a colon in the password and encodes non-ASCII as UTF-8', () => {
    const auth = basicAuth({ host: 'reg', username: 'ci', password: 'a:b€' })
    expect(Buffer.from(auth, 'base64').toString('utf8')).toBe('ci:a:b€')
  })
})
