import {
  proxyAuthorization,
  proxyConfig,
  proxyFor,
  proxyFunc,
  proxySecrets,
  readProxyEnv,
  redactedProxy,
  redactUrlCredentials,
  type ProxyConfig
} from '../src/proxy.js'

// The cases of golang.org/x/net/http/httpproxy's proxy_test.go (commit 0ca694d2), as data: the
// port must choose the proxy Go chooses, so that preflight goes where BuildKit's push will.
// Copyright 2017 The Go Authors (BSD-3-Clause: THIRD_PARTY_NOTICES.md); translated to TypeScript.

const config = (overrides: Partial<ProxyConfig>): ProxyConfig => ({
  httpProxy: '',
  httpsProxy: '',
  noProxy: '',
  cgi: false,
  ...overrides
})

/** Go prints a URL without the trailing slash Node adds to an empty path; `<nil>` for none. */
function chosen(cfg: ProxyConfig, request = 'http://example.com'): string {
  const choice = proxyFunc(cfg)(new URL(request))
  if (choice.error) return `error: ${choice.error}`
  return choice.proxy ? choice.proxy.href.replace(/\/$/, '') : '<nil>'
}

describe('proxyFunc: TestProxyForURL', () => {
  it.each<[Partial<ProxyConfig>, string | undefined, string]>([
    [{ httpProxy: '127.0.0.1:8080' }, undefined, 'http://127.0.0.1:8080'],
    [{ httpProxy: 'cache.corp.example.com:1234' }, undefined, 'http://cache.corp.example.com:1234'],
    [{ httpProxy: 'cache.corp.example.com' }, undefined, 'http://cache.corp.example.com'],
    // A single label is a scheme to url.Parse: taken as a host.
    [{ httpProxy: 'localhost' }, undefined, 'http://localhost'],
    [{ httpProxy: 'https://cache.corp.example.com' }, undefined, 'https://cache.corp.example.com'],
    [{ httpProxy: 'http://127.0.0.1:8080' }, undefined, 'http://127.0.0.1:8080'],
    [{ httpProxy: 'https://127.0.0.1:8080' }, undefined, 'https://127.0.0.1:8080'],
    [{ httpProxy: 'socks5://127.0.0.1' }, undefined, 'socks5://127.0.0.1'],
    // Unknown schemes are kept.
    [{ httpProxy: 'foo://host' }, undefined, 'foo://host'],
    // HTTPS_PROXY is for https URLs only, HTTP_PROXY for http ones only.
    [{ httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' }, 'http://insecure.tld/', 'http://http.proxy.tld'],
    [{ httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' }, 'https://secure.tld/', 'http://secure.proxy.tld'],
    [
      { httpProxy: 'http.proxy.tld', httpsProxy: 'https://secure.proxy.tld' },
      'https://secure.tld/',
      'https://secure.proxy.tld'
    ],
    [{ httpProxy: 'http.proxy.tld' }, 'https://secure.tld/', '<nil>'],
    [{ httpProxy: 'http.proxy.tld' }, 'ftp://insecure.tld/', '<nil>'],
    // Issue 16405: a CGI process refuses HTTP_PROXY, which the client could have set...
    [
      { httpProxy: 'http://10.1.2.3:8080', cgi: true },
      undefined,
      'error: refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy'
    ],
    // ...but still takes HTTPS_PROXY.
    [{ httpsProxy: 'https://secure.proxy.tld', cgi: true }, 'https://secure.tld/', 'https://secure.proxy.tld'],
    [{}, undefined, '<nil>'],
    [{ noProxy: 'example.com', httpProxy: 'proxy' }, 'http://example.com/', '<nil>'],
    [{ noProxy: '.example.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: 'ample.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: 'example.com', httpProxy: 'proxy' }, 'http://foo.example.com/', '<nil>'],
    [{ noProxy: '.foo.com', httpProxy: 'proxy' }, 'http://example.com/', 'http://proxy'],
    [{ noProxy: '.示例.com', httpProxy: 'proxy' }, 'http://www.示例.com', '<nil>'],
    [{ noProxy: 'xn--fsq092h.com', httpProxy: 'proxy' }, 'http://www.示例.com', '<nil>'],
    [{ noProxy: '示例.com', httpProxy: 'proxy' }, 'http://www.xn--fsq092h.com', '<nil>']
    // Go's last case, a request to `[1000::%25.example.com]:123`, is a URL Node refuses and no
    // registry line can name: left out.
  ])('%j for %s: %s', (cfg, request, want) => {
    expect(chosen(config(cfg), request)).toBe(want)
  })
})

describe('proxyConfig: TestFromEnvironment', () => {
  it('reads the upper-case variables', () => {
    expect(proxyConfig({ HTTP_PROXY: 'httpproxy', HTTPS_PROXY: 'httpsproxy', NO_PROXY: 'noproxy' })).toEqual(
      config({ httpProxy: 'httpproxy', httpsProxy: 'httpsproxy', noProxy: 'noproxy' })
    )
  })

  it('REQUEST_METHOD makes it a CGI process', () => {
    expect(proxyConfig({ HTTP_PROXY: 'httpproxy', REQUEST_METHOD: 'PUT' })).toEqual(
      config({ httpProxy: 'httpproxy', cgi: true })
    )
  })

  it('reads the lower-case variables', () => {
    expect(proxyConfig({ http_proxy: 'httpproxy', https_proxy: 'httpsproxy', no_proxy: 'noproxy' })).toEqual(
      config({ httpProxy: 'httpproxy', httpsProxy: 'httpsproxy', noProxy: 'noproxy' })
    )
  })

  it('upper case wins over lower case (getEnvAny), an empty upper-case one does not', () => {
    expect(proxyConfig({ HTTPS_PROXY: 'upper', https_proxy: 'lower', no_proxy: 'lower' })).toEqual(
      config({ httpsProxy: 'upper', noProxy: 'lower' })
    )
    expect(proxyConfig(readProxyEnv({ HTTPS_PROXY: '', https_proxy: 'lower' }))).toEqual(
      config({ httpsProxy: 'lower' })
    )
  })

  it('readProxyEnv keeps the set proxy variables, and nothing else', () => {
    expect(readProxyEnv({ HTTP_PROXY: 'a', no_proxy: 'b', NO_PROXY: '', PATH: '/bin', REQUEST_METHOD: 'GET' })).toEqual(
      {
        HTTP_PROXY: 'a',
        no_proxy: 'b',
        REQUEST_METHOD: 'GET'
      }
    )
  })
})

// TestUseProxy: one NO_PROXY, each host asked on port 80.
const NO_PROXY =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64'

const USE_PROXY: [string, boolean][] = [
  // Never proxy localhost:
  ['localhost', false],
  ['127.0.0.1', false],
  ['127.0.0.2', false],
  ['[::1]', false],
  ['[::2]', true],
  ['192.168.1.1', false], // matches exact IPv4
  ['192.168.1.2', true], // ports do not match
  ['192.168.1.3', false], // matches exact IPv4:port
  ['192.168.1.4', true], // no match
  ['10.0.0.2', false], // matches IPv4/CIDR
  ['[2001:db8::52:0:1]', false], // matches exact IPv6
  ['[2001:db8::52:0:2]', true], // no match
  ['[2001:db8::52:0:3]', false], // matches exact [IPv6]:port
  ['[2002:db8:a::123]', false], // matches IPv6/CIDR
  ['[fe80::424b:c8be:1643:a1b6]', true], // no match
  ['barbaz.net', true], // does not match as .barbaz.net
  ['www.barbaz.net', false], // does match as .barbaz.net
  ['foobar.com', false], // does match as foobar.com
  ['www.foobar.com', false], // match because NO_PROXY includes "foobar.com"
  ['foofoobar.com', true], // not match as a part of foobar.com
  ['baz.com', true], // not match as a part of barbaz.com
  ['localhost.net', true], // not match as suffix of address
  ['local.localhost', true], // not match as prefix as address
  ['barbarbaz.net', true], // not match, wrong domain
  ['wildcard.io', true], // does not match as *.wildcard.io
  ['nested.wildcard.io', false], // match as *.wildcard.io
  ['awildcard.io', true] // not a match because of '*'
]

const proxied = (noProxy: string, host: string): boolean =>
  proxyFunc(config({ httpProxy: 'proxy', noProxy }))(new URL(`http://${host}:80`)).proxy !== undefined

describe('NO_PROXY: TestUseProxy', () => {
  it.each(USE_PROXY)('%s proxied: %s', (host, match) => {
    expect(proxied(NO_PROXY, host)).toBe(match)
  })

  it('TestInvalidNoProxy: `:1` is ignored, not a crash', () => {
    expect(proxied(':1', 'example.com')).toBe(true)
  })

  it.each(USE_PROXY.map(([host]) => host))('TestAllNoProxy: `*` exempts %s', host => {
    expect(proxied('*', host)).toBe(false)
  })
})

describe('the registry hosts this action probes', () => {
  const env = { HTTPS_PROXY: 'http://user:p%40ss@proxy.corp:3128', HTTP_PROXY: 'proxy.corp:3128' }

  it('a registry without a port gets the scheme’s (443) for NO_PROXY host:port entries', () => {
    expect(proxyFor({ ...env, NO_PROXY: 'reg.corp:443' }, new URL('https://reg.corp/v2/')).proxy).toBeUndefined()
    expect(proxyFor({ ...env, NO_PROXY: 'reg.corp:443' }, new URL('https://reg.corp:5000/v2/')).proxy).toBeDefined()
  })

  it('an IPv4 CIDR exempts a registry by address, not by a name that resolves into it', () => {
    expect(
      proxyFor({ ...env, NO_PROXY: '172.17.0.0/16' }, new URL('https://172.17.0.1:5000/v2/')).proxy
    ).toBeUndefined()
    expect(proxyFor({ ...env, NO_PROXY: '172.17.0.0/16' }, new URL('https://docker.internal/v2/')).proxy).toBeDefined()
  })

  it('shows a proxy without its credentials, and sends them as Basic auth, decoded', () => {
    const proxy = proxyFor(env, new URL('https://reg.corp/v2/')).proxy as URL
    expect(redactedProxy(proxy)).toBe('http://***@proxy.corp:3128')
    expect(proxyAuthorization(proxy)).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`)
    expect(proxyAuthorization(new URL('http://proxy.corp:3128'))).toBeUndefined()
  })

  it('masks the password as written and decoded, the userinfo and the value; nothing for a URL without password', () => {
    expect(proxySecrets(env.HTTPS_PROXY)).toEqual([env.HTTPS_PROXY, 'user:p%40ss', 'p%40ss', 'p@ss'])
    expect(proxySecrets('http://proxy.corp:3128')).toEqual([])
  })

  it('redacts the userinfo of every URL in a line', () => {
    expect(
      redactUrlCredentials('--driver-opt env.HTTPS_PROXY=http://u:p@proxy:3128 --driver-opt env.X=https://a@b/c')
    ).toBe('--driver-opt env.HTTPS_PROXY=http://***@proxy:3128 --driver-opt env.X=https://***@b/c')
  })

  it('redacts the scheme-less form Go takes for a proxy, and leaves image digests alone', () => {
    expect(redactUrlCredentials('env.HTTP_PROXY=user:pass@proxy:3128 image=reg:5000/bk@sha256:abc')).toBe(
      'env.HTTP_PROXY=***@proxy:3128 image=reg:5000/bk@sha256:abc'
    )
  })
})
