import { parseChallenge } from '../../src/registry-client/challenge.js'

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://gitlab.internal/jwt/auth",service="container_registry"',
      { scheme: 'bearer', realm: 'https://gitlab.internal/jwt/auth', service: 'container_registry' }
    ],
    [
      'bearer realm="https://h/service/token", service="harbor-registry", scope="repository:a/b:pull"',
      { scheme: 'bearer', realm: 'https://h/service/token', service: 'harbor-registry' }
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', realm: 'Registry Realm' }],
    [
      'Bearer realm=https://unquoted/token,service=svc',
      { scheme: 'bearer', realm: 'https://unquoted/token', service: 'svc' }
    ],
    ['Negotiate', { scheme: 'other' }]
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual({ realm: undefined, service: undefined, ...expected })
  })
})
