import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import { diagnose } from '../../src/preflight/diagnosis.js'
import type { ProbeFacts } from '../../src/preflight/probe.js'

function registry(overrides: Partial<Omit<PlannedRegistry, 'host'>> & { host?: string } = {}): PlannedRegistry {
  const { host = 'reg.internal:5443', ...rest } = overrides
  return {
    host: parseHost(host, 'registries', 2),
    transport: 'tls',
    mode: 'tls',
    source: 'registries',
    line: 2,
    written: ['http'],
    ca: '',
    ...rest
  }
}

function facts(overrides: Partial<ProbeFacts>): ProbeFacts {
  return { stage: 'done', timedOut: false, sentClientCert: false, ms: 3, answer: { status: 200 }, ...overrides }
}

const CERT = {
  names: ['DNS:other.internal', 'IP Address:10.0.0.5'],
  validFrom: 'Jan  1 00:00:00 2020 GMT',
  validTo: 'Feb  1 00:00:00 2020 GMT'
}

describe('diagnose', () => {
  it.each([
    ['200', { status: 200 }, '(GET /v2/: 200)'],
    ['401 with WWW-Authenticate', { status: 401, wwwAuthenticate: 'Basic realm="r"' }, 'credentials needed']
  ])('a registry that answers %s is fine', (_what, answer, message) => {
    const result = diagnose(registry(), facts({ answer }), 5)
    expect(result).toMatchObject({ ok: true, kind: 'registry', fix: '' })
    expect(result.message).toContain(message)
  })

  it.each([
    [
      'a DNS failure',
      { stage: 'resolve', error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' } },
      'reg.internal does not resolve (ENOTFOUND)',
      'check the host and port on line 2 of `registries`'
    ],
    [
      'a refused connection',
      { stage: 'connect', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } },
      'connection refused',
      'check the host and port on line 2 of `registries`'
    ],
    [
      'a connect timeout',
      { stage: 'connect', timedOut: true, error: { code: 'ETIMEDOUT', message: '' } },
      'the connection (DNS lookup and TCP connect) got no answer within 5 s (i/o timeout)',
      // Timeouts add the network between: a firewall drops what a wrong port would refuse.
      'check the host and port on line 2 of `registries`, and that the runner can reach it'
    ],
    [
      'a port that accepts and never answers',
      { stage: 'tls', timedOut: true, error: { code: 'ETIMEDOUT', message: '' } },
      'accepts connections but does not answer',
      'check the host and port on line 2 of `registries`, and that the runner can reach it'
    ]
  ] as [string, Partial<ProbeFacts>, string, string][])(
    '%s is unreachable: check host and port',
    (_what, seen, message, fix) => {
      const result = diagnose(registry(), facts({ ...seen, answer: undefined }), 5)
      expect(result).toMatchObject({ ok: false, kind: 'unreachable' })
      expect(result.message).toContain(message)
      expect(result.fix).toBe(fix)
    }
  )

  it('names the default port when the line has none', () => {
    const seen = facts({ stage: 'connect', error: { code: 'ECONNREFUSED', message: '' }, answer: undefined })
    expect(diagnose(registry({ host: 'reg.internal', transport: 'http', mode: 'http' }), seen, 5).fix).toBe(
      'check the host and port on line 2 of `registries` (no port given, so 80)'
    )
    expect(diagnose(registry({ host: 'reg.internal' }), seen, 5).fix).toBe(
      'check the host and port on line 2 of `registries` (no port given, so 443)'
    )
  })

  it('a TLS registry that answers plain HTTP: add `http`', () => {
    const result = diagnose(
      registry(),
      facts({
        stage: 'tls',
        error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' },
        answersPlainHttp: true,
        answer: undefined
      }),
      5
    )
    expect(result).toMatchObject({ ok: false, kind: 'http-registry', fix: 'add `http` to line 2 of `registries`' })
    expect(result.message).toContain('this is an HTTP registry')
  })

  it('a mirror that answers plain HTTP: list it in registries with `http`', () => {
    const seen = facts({
      stage: 'tls',
      error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '' },
      answersPlainHttp: true,
      answer: undefined
    })
    expect(diagnose(registry({ host: 'mirror.internal:5000', source: 'mirror', line: 1 }), seen, 5).fix).toBe(
      'list it in `registries` as `mirror.internal:5000 http`'
    )
  })

  it("a registry imported from the Docker daemon: the fix cites the daemon's settings, not a line", () => {
    const imported = registry({
      source: 'docker-daemon',
      line: 0,
      daemonOrigin: '/etc/docker/certs.d/reg.internal:5443'
    })
    const refused = facts({ stage: 'connect', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } })
    expect(diagnose(imported, refused, 5).fix).toBe(
      "check the host and port on the Docker daemon's /etc/docker/certs.d/reg.internal:5443 (imported by `import-docker-trust`)"
    )
    const plainHttp = facts({
      stage: 'tls',
      error: { code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: '' },
      answersPlainHttp: true,
      answer: undefined
    })
    expect(diagnose(imported, plainHttp, 5).fix).toBe('list it in `registries` as `reg.internal:5443 http`')
  })

  it('an `http` registry that speaks TLS: remove `http`', () => {
    const result = diagnose(
      registry({ transport: 'http', mode: 'http' }),
      facts({ answer: { status: 400 }, answersTls: true }),
      5
    )
    expect(result).toMatchObject({ ok: false, kind: 'tls-registry', fix: 'remove `http` from line 2 of `registries`' })
  })

  it('an unknown authority: pass the CA, or `insecure`', () => {
    const result = diagnose(registry(), facts({ verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificate: CERT }), 5)
    expect(result).toMatchObject({ ok: false, kind: 'unknown-authority' })
    expect(result.message).toContain('certificate signed by unknown authority')
    expect(result.fix).toBe(
      'pass its CA in `ca-cert` (or add `ca=PATH` to line 2 of `registries`), or add `insecure` to line 2 of `registries` for throwaway setups'
    )
  })

  it('a certificate for other names lists them', () => {
    const result = diagnose(registry(), facts({ verifyError: 'ERR_TLS_CERT_ALTNAME_INVALID', certificate: CERT }), 5)
    expect(result).toMatchObject({ ok: false, kind: 'wrong-name' })
    expect(result.message).toBe('x509: certificate is valid for other.internal, 10.0.0.5, not reg.internal')
    expect(result.fix).toBe(
      'use one of those names on line 2 of `registries`, or reissue the certificate for reg.internal (for localhost-only setups, add `insecure` to line 2 of `registries`)'
    )
  })

  it.each([
    [
      'CERT_HAS_EXPIRED',
      'expired',
      'certificate has expired: valid from Jan  1 00:00:00 2020 GMT until Feb  1 00:00:00 2020 GMT'
    ],
    ['CERT_NOT_YET_VALID', 'not-yet-valid', 'certificate is not yet valid: valid from Jan  1 00:00:00 2020 GMT']
  ])('%s says which, with the dates', (verifyError, kind, message) => {
    const result = diagnose(registry(), facts({ verifyError, certificate: CERT }), 5)
    expect(result).toMatchObject({ ok: false, kind })
    expect(result.message).toContain(message)
  })

  it('a certificate problem on an `insecure` registry is only noted', () => {
    const result = diagnose(
      registry({ transport: 'insecure', mode: 'insecure' }),
      facts({ verifyError: 'CERT_HAS_EXPIRED', certificate: CERT }),
      5
    )
    expect(result.ok).toBe(true)
    expect(result.message).toContain('certificate not verified (`insecure`): x509: certificate has expired')
  })

  it('a required client certificate: pass client-cert and client-key', () => {
    const error = { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'tlsv13 alert certificate required' }
    expect(diagnose(registry(), facts({ stage: 'http', error, answer: undefined }), 5)).toMatchObject({
      ok: false,
      kind: 'client-cert-required',
      fix: 'pass `client-cert` and `client-key`'
    })
    expect(diagnose(registry(), facts({ stage: 'http', error, sentClientCert: true, answer: undefined }), 5).kind).toBe(
      'client-cert-rejected'
    )
  })

  it('an unrecognized name alert: use the name the server serves', () => {
    const error = { code: 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME', message: 'tlsv1 unrecognized name' }
    const result = diagnose(registry(), facts({ stage: 'tls', error, answer: undefined }), 5)
    expect(result).toMatchObject({
      ok: false,
      kind: 'unrecognized-name',
      fix: 'use the name the server serves on line 2 of `registries`'
    })
  })

  it('an answer that is not a registry API root', () => {
    const result = diagnose(registry(), facts({ answer: { status: 404, contentType: 'text/html' } }), 5)
    expect(result).toMatchObject({ ok: false, kind: 'not-a-registry' })
    expect(result.message).toBe('GET /v2/ answered 404 (text/html), not as a registry API root')
    expect(result.fix).toBe(
      'check the host and port on line 2 of `registries`: a registry answers GET /v2/ with 200, or 401 asking for credentials'
    )
  })
})

describe('diagnose through a proxy', () => {
  const PROXY = 'http://***@proxy.corp:3128 (HTTPS_PROXY)'
  const via = (overrides: Partial<ProbeFacts>): ProbeFacts => facts({ proxy: PROXY, ...overrides })

  it('a registry that answers through the proxy is fine, and the message names the proxy', () => {
    expect(diagnose(registry(), via({}), 5)).toEqual({
      ok: true,
      kind: 'registry',
      message: `a registry answered (GET /v2/: 200) (through the proxy ${PROXY})`,
      fix: ''
    })
  })

  it.each<[string, Partial<ProbeFacts>, string]>([
    [
      'a proxy name that does not resolve',
      { stage: 'resolve', error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND proxy.corp' } },
      `unreachable: the proxy ${PROXY} does not resolve (ENOTFOUND)`
    ],
    [
      'a proxy that refuses connections',
      { stage: 'connect', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } },
      `unreachable: the proxy ${PROXY} refused the connection`
    ],
    [
      'a proxy that never answers',
      { stage: 'connect', timedOut: true, error: { code: 'ETIMEDOUT', message: 'deadline' } },
      `unreachable: the proxy ${PROXY} got no answer within 5 s`
    ]
  ])('the proxy unreachable: %s', (_what, overrides, message) => {
    const result = diagnose(registry(), via({ answer: undefined, ...overrides }), 5)
    expect(result).toMatchObject({ ok: false, kind: 'proxy-unreachable', message })
    expect(result.fix).toBe(
      'check HTTPS_PROXY on the runner (the builder gets the same), or list reg.internal in NO_PROXY if the runner and the builder reach it directly'
    )
  })

  it('a proxy that wants credentials (407) is the proxy refusing, not the registry', () => {
    const result = diagnose(
      registry(),
      via({ stage: 'proxy', answer: undefined, proxyStatus: 407, error: { code: 'EPROXY', message: '407' } }),
      5
    )
    expect(result).toMatchObject({
      ok: false,
      kind: 'proxy-refused',
      message: `the proxy ${PROXY} wants credentials (407 Proxy Authentication Required)`
    })
    expect(result.fix).toContain("put the proxy's user and password in HTTPS_PROXY (http://USER:PASSWORD@HOST:PORT)")
  })

  it('a proxy that refuses the destination (403) says which', () => {
    const result = diagnose(
      registry(),
      via({ stage: 'proxy', answer: undefined, proxyStatus: 403, error: { code: 'EPROXY', message: '403' } }),
      5
    )
    expect(result).toMatchObject({
      ok: false,
      kind: 'proxy-refused',
      message: `the proxy ${PROXY} refused reg.internal:5443 (403)`
    })
  })

  it.each([502, 503, 504])('the registry unreachable from the proxy (%d) is the registry unreachable', status => {
    const result = diagnose(
      registry(),
      via({ stage: 'proxy', answer: undefined, proxyStatus: status, error: { code: 'EPROXY', message: '' } }),
      5
    )
    expect(result).toMatchObject({
      ok: false,
      kind: 'unreachable',
      message: `unreachable through the proxy ${PROXY}: it answered ${status} for reg.internal:5443`
    })
    expect(result.fix).toContain('check the host and port on line 2 of `registries`, and that the proxy can reach it')
  })

  it('a TLS failure through the tunnel is the registry’s, named with the proxy', () => {
    const result = diagnose(
      registry(),
      via({
        stage: 'tls',
        answer: undefined,
        error: { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message: 'alert' }
      }),
      5
    )
    expect(result).toMatchObject({ ok: false, kind: 'client-cert-required' })
    expect(result.message).toContain(`(through the proxy ${PROXY})`)
  })

  it("Go's CGI rule: HTTP_PROXY refused while REQUEST_METHOD is set", () => {
    const result = diagnose(
      registry({ transport: 'http' }),
      facts({
        stage: 'connect',
        answer: undefined,
        error: { code: 'EPROXYCGI', message: 'refusing to use HTTP_PROXY value in CGI environment' }
      }),
      5
    )
    expect(result).toMatchObject({ ok: false, kind: 'proxy-refused' })
    expect(result.fix).toContain('unset REQUEST_METHOD')
  })

  it('a SOCKS proxy is not checked, says so, and is never called ok', () => {
    const result = diagnose(
      registry(),
      via({
        proxy: 'socks5://proxy.corp:1080 (HTTPS_PROXY)',
        stage: 'connect',
        answer: undefined,
        error: { code: 'EPROXYSCHEME', message: 'preflight cannot go through a socks5 proxy' }
      }),
      5
    )
    expect(result).toEqual({
      ok: false,
      kind: 'proxy-unsupported',
      message:
        'not checked: preflight cannot go through a socks5 proxy (socks5://proxy.corp:1080 (HTTPS_PROXY)), which BuildKit goes through',
      fix: 'check the registry through that proxy yourself, and keep `preflight: warn` (or set `preflight: off`), or list reg.internal in NO_PROXY if the runner and the builder reach it directly'
    })
  })
})
