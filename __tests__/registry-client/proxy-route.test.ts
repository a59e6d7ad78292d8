import { authorityOf, proxyRoute } from '../../src/registry-client/proxy-route.js'

// Which proxy a probe takes, and how it names it: the variable Go read, the URL without credentials.

describe('proxyRoute', () => {
  const env = { https_proxy: 'http://ci:s3cret@proxy.corp:3128', HTTP_PROXY: 'proxy.corp:8080', NO_PROXY: '.internal' }

  it('names the proxy by the variable it came from, in its case, without credentials, and carries them as Basic auth', () => {
    const { route } = proxyRoute(env, new URL('https://reg.partner.example:5000/v2/'))
    expect(route?.shown).toBe('http://***@proxy.corp:3128 (https_proxy)')
    expect(route?.authorization).toBe(`Basic ${Buffer.from('ci:s3cret').toString('base64')}`)
    expect(proxyRoute(env, new URL('http://reg.partner.example/v2/')).route?.shown).toBe(
      'http://proxy.corp:8080 (HTTP_PROXY)'
    )
  })

  it('goes direct for NO_PROXY, loopback, or no proxy environment at all', () => {
    expect(proxyRoute(env, new URL('https://reg.internal/v2/'))).toEqual({})
    expect(proxyRoute(env, new URL('https://127.0.0.1:5000/v2/'))).toEqual({})
    expect(proxyRoute(undefined, new URL('https://reg.partner.example/v2/'))).toEqual({})
  })

  it("says Go's refusal of HTTP_PROXY in a CGI environment", () => {
    expect(proxyRoute({ ...env, REQUEST_METHOD: 'GET' }, new URL('http://reg.partner.example/v2/')).error).toContain(
      'refusing to use HTTP_PROXY value in CGI environment'
    )
  })
})

describe('authorityOf', () => {
  it.each([
    ['reg.corp', 443, 'reg.corp:443'],
    ['10.0.0.5', 5000, '10.0.0.5:5000'],
    ['2001:db8::5', 5000, '[2001:db8::5]:5000']
  ])('%s %d: %s', (host, port, want) => {
    expect(authorityOf(host, port)).toBe(want)
  })
})
