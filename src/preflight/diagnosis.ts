import { portOf, whereConfigured, type PlannedRegistry } from '../model.js'
import type { ProbeFacts } from './probe.js'
import { isClientCertAlert, isUnknownAuthority } from './tls-errors.js'

export type DiagnosisKind =
  | 'registry'
  | 'unreachable'
  | 'http-registry'
  | 'tls-registry'
  | 'unknown-authority'
  | 'wrong-name'
  | 'expired'
  | 'not-yet-valid'
  | 'client-cert-required'
  | 'client-cert-rejected'
  | 'unrecognized-name'
  | 'not-a-registry'
  | 'tls-failed'
  | 'proxy-unreachable'
  | 'proxy-refused'
  | 'proxy-unsupported'
  | AuthDiagnosisKind
  // From the builder's side (builder-diagnosis.ts): what this step reached, the builder does not.
  | 'builder-unresolved'
  | 'builder-unreachable'

/** What logging in found (auth-diagnosis.ts). */
export type AuthDiagnosisKind =
  | 'token-granted'
  | 'credentials-accepted'
  | 'credentials-missing'
  | 'credentials-rejected'
  | 'token-unreachable'
  | 'token-untrusted'
  | 'token-client-cert'
  | 'token-refused'
  | 'token-failed'

export interface Diagnosis {
  /** False when a build through this registry would fail. */
  ok: boolean
  kind: DiagnosisKind
  /** What happened, in the words a user searches for. */
  message: string
  /** Which input to change, and how; '' when nothing needs fixing. */
  fix: string
}

/** A verdict that a build through the registry would fail, with the fix. */
export function failed(kind: DiagnosisKind, message: string, fix: string): Diagnosis {
  return { ok: false, kind, message, fix }
}

/** Turns what a probe saw into a verdict and the input that fixes it. Pure. */
export function diagnose(registry: PlannedRegistry, facts: ProbeFacts, timeoutSeconds: number): Diagnosis {
  const where = whereConfigured(registry)
  const defaultPort =
    registry.host.port !== undefined ? '' : ` (no port given, so ${portOf(registry.host, registry.transport)})`
  const checkHostPort = `check the host and port on ${where}${defaultPort}`

  const viaProxy =
    facts.proxy || facts.error?.code === 'EPROXYCGI'
      ? diagnoseProxy(registry, facts, timeoutSeconds, checkHostPort)
      : undefined
  if (viaProxy) return viaProxy
  const verdict = diagnoseRegistry(registry, facts, timeoutSeconds, where, checkHostPort)
  // An answer that came through the proxy says so: the builder goes the same way.
  return facts.proxy ? { ...verdict, message: `${verdict.message} (through the proxy ${facts.proxy})` } : verdict
}

/**
 * What went wrong on the way through the proxy, before the registry could answer: the proxy
 * itself unreachable or refusing, or the registry unreachable from it. undefined: the registry
 * answered through it (or failed in TLS or HTTP), for diagnoseRegistry.
 */
function diagnoseProxy(
  registry: PlannedRegistry,
  facts: ProbeFacts,
  timeoutSeconds: number,
  checkHostPort: string
): Diagnosis | undefined {
  const proxy = facts.proxy ?? ''
  const variable = proxyVariable(proxy)
  const exempt = `or list ${registry.host.hostname} in NO_PROXY if the runner and the builder reach it directly`
  if (facts.error?.code === 'EPROXYCGI')
    return failed(
      'proxy-refused',
      `HTTP_PROXY is refused: ${facts.error.message}`,
      "unset REQUEST_METHOD in the job's environment (Go takes it for a CGI request)"
    )
  // Never `ok` for what was not looked at: a build may still fail there. Under `preflight: warn` (the
  // default) this is an annotation, not a failure.
  if (facts.error?.code === 'EPROXYSCHEME')
    return failed(
      'proxy-unsupported',
      `not checked: ${facts.error.message} (${proxy}), which BuildKit goes through`,
      'check the registry through that proxy yourself, and keep `preflight: warn` (or set `preflight: off`), ' + exempt
    )
  if (facts.stage === 'resolve' || facts.stage === 'connect') {
    const what = facts.timedOut
      ? `got no answer within ${timeoutSeconds} s`
      : facts.stage === 'resolve'
        ? `does not resolve (${facts.error?.code})`
        : facts.error?.code === 'ECONNREFUSED'
          ? 'refused the connection'
          : `failed: ${facts.error?.message}`
    return failed(
      'proxy-unreachable',
      `unreachable: the proxy ${proxy} ${what}`,
      `check ${variable} on the runner (the builder gets the same), ${exempt}`
    )
  }
  if (facts.stage !== 'proxy' || !facts.error) return undefined
  return diagnoseTunnel(registry, facts, timeoutSeconds, checkHostPort, exempt)
}

/** The proxy answered CONNECT, but no tunnel to the registry came of it. */
function diagnoseTunnel(
  registry: PlannedRegistry,
  facts: ProbeFacts,
  timeoutSeconds: number,
  checkHostPort: string,
  exempt: string
): Diagnosis {
  const proxy = facts.proxy ?? ''
  const variable = proxyVariable(proxy)
  const status = facts.proxyStatus
  if (status === 407)
    return failed(
      'proxy-refused',
      `the proxy ${proxy} wants credentials (407 Proxy Authentication Required)`,
      `put the proxy's user and password in ${variable} (http://USER:PASSWORD@HOST:PORT), or check them`
    )
  if (status === 502 || status === 503 || status === 504)
    return failed(
      'unreachable',
      `unreachable through the proxy ${proxy}: it answered ${status} for ${registry.host.text}`,
      `${checkHostPort}, and that the proxy can reach it (${exempt})`
    )
  if (status !== undefined)
    return failed(
      'proxy-refused',
      `the proxy ${proxy} refused ${registry.host.text} (${status})`,
      `have the proxy allow ${registry.host.text}, ${exempt}`
    )
  if (facts.timedOut)
    return failed(
      'unreachable',
      `unreachable through the proxy ${proxy}: no tunnel to ${registry.host.text} within ${timeoutSeconds} s`,
      `${checkHostPort}, and that the proxy can reach it (${exempt})`
    )
  return failed(
    'proxy-refused',
    `the proxy ${proxy} failed: ${facts.error?.message}`,
    `check ${variable} on the runner, ${exempt}`
  )
}

/** The variable the proxy came from, as the probe names it: `http://proxy:3128 (HTTPS_PROXY)`. */
function proxyVariable(proxy: string): string {
  return /\((\w+)\)$/.exec(proxy)?.[1] ?? 'HTTPS_PROXY'
}

/** The registry's own answer (or silence), reached directly or through the proxy. */
function diagnoseRegistry(
  registry: PlannedRegistry,
  facts: ProbeFacts,
  timeoutSeconds: number,
  where: string,
  checkHostPort: string
): Diagnosis {
  const beforeAnswer =
    diagnoseUnreached(registry, facts, timeoutSeconds, checkHostPort) ??
    diagnoseHandshake(registry, facts, where, checkHostPort)
  if (beforeAnswer) return beforeAnswer
  const certificateProblem = facts.verifyError ? explainCertificate(registry, facts, where) : undefined
  if (certificateProblem && registry.transport !== 'insecure') return certificateProblem

  const answer = describeAnswer(facts, timeoutSeconds)
  if (!answer.ok)
    return failed(
      'not-a-registry',
      answer.text,
      `check the host and port on ${where}: a registry answers GET /v2/ with 200, or 401 asking for credentials`
    )
  const note = certificateProblem ? `; certificate not verified (\`insecure\`): ${certificateProblem.message}` : ''
  return { ok: true, kind: 'registry', message: `${answer.text}${note}`, fix: '' }
}

/** No connection: the name does not resolve, the port refuses, or nothing answered in time. */
function diagnoseUnreached(
  registry: PlannedRegistry,
  facts: ProbeFacts,
  timeoutSeconds: number,
  checkHostPort: string
): Diagnosis | undefined {
  if (facts.timedOut && facts.stage !== 'http') {
    const what = {
      resolve: 'the DNS lookup',
      connect: 'the connection (DNS lookup and TCP connect)',
      tls: 'the TLS handshake (the port accepts connections but does not answer)'
    }[facts.stage as 'resolve' | 'connect' | 'tls']
    return failed(
      'unreachable',
      `unreachable: ${what} got no answer within ${timeoutSeconds} s (i/o timeout)`,
      `${checkHostPort}, and that the runner can reach it`
    )
  }
  if (facts.stage === 'resolve')
    return failed(
      'unreachable',
      `unreachable: ${registry.host.hostname} does not resolve (${facts.error?.code})`,
      checkHostPort
    )
  if (facts.stage === 'connect')
    return failed(
      'unreachable',
      `unreachable: ${facts.error?.code === 'ECONNREFUSED' ? 'connection refused' : facts.error?.message}`,
      checkHostPort
    )
  return undefined
}

/** Connected, but the handshake says the registry is listed with the wrong transport or identity. */
function diagnoseHandshake(
  registry: PlannedRegistry,
  facts: ProbeFacts,
  where: string,
  checkHostPort: string
): Diagnosis | undefined {
  const code = facts.error ? `${facts.error.code} ${facts.error.message}` : ''
  if (/UNRECOGNIZED_NAME|unrecognized name/i.test(code)) {
    return failed(
      'unrecognized-name',
      `TLS alert \`unrecognized name\`: the server has no certificate for ${registry.host.hostname}`,
      `use the name the server serves on ${where}`
    )
  }
  if (isClientCertAlert(code)) {
    return facts.sentClientCert
      ? failed(
          'client-cert-rejected',
          `the registry rejected the client certificate (${facts.error?.code})`,
          'pass in `client-cert` and `client-key` a keypair issued by a CA the registry trusts'
        )
      : failed(
          'client-cert-required',
          `the registry requires a client certificate (${facts.error?.code})`,
          'pass `client-cert` and `client-key`'
        )
  }
  if (facts.answersPlainHttp) {
    return failed(
      'http-registry',
      'this is an HTTP registry: it answered plain HTTP, not TLS ' +
        '(BuildKit: "server gave HTTP response to HTTPS client")',
      addOptionFor(registry, 'http')
    )
  }
  if (facts.answersTls) {
    return failed('tls-registry', 'it speaks TLS, but is listed as `http`', `remove \`http\` from ${where}`)
  }
  if (facts.stage === 'tls') {
    return failed('tls-failed', `the TLS handshake failed: ${facts.error?.message}`, checkHostPort)
  }
  return undefined
}

/** The fix that adds an option: on the registry's own line, or a new `registries` line for a mirror. */
function addOptionFor(registry: PlannedRegistry, option: string): string {
  return registry.source === 'registries'
    ? `add \`${option}\` to line ${registry.line} of \`registries\``
    : `list it in \`registries\` as \`${registry.host.text} ${option}\``
}

function explainCertificate(registry: PlannedRegistry, facts: ProbeFacts, where: string): Diagnosis {
  const addOption = (option: string): string => addOptionFor(registry, option)
  const certificate = facts.certificate
  const verifyError = facts.verifyError ?? ''
  if (isUnknownAuthority(verifyError)) {
    const trusted = registry.ca ? 'the CA in `ca-cert`/`ca=` did not sign it' : 'no `ca-cert` was given'
    return failed(
      'unknown-authority',
      `x509: certificate signed by unknown authority (${verifyError}; ${trusted})`,
      `pass its CA in \`ca-cert\` (or ${addOption('ca=PATH')}), or ${addOption('insecure')} for throwaway setups`
    )
  }
  if (verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names =
      certificate?.names.map(name => name.replace(/^(DNS|IP Address):/, '')).join(', ') || 'no subjectAltName'
    return failed(
      'wrong-name',
      `x509: certificate is valid for ${names}, not ${registry.host.hostname}`,
      `use one of those names on ${where}, or reissue the certificate for ${registry.host.hostname} ` +
        `(for localhost-only setups, ${addOption('insecure')})`
    )
  }
  if (verifyError === 'CERT_HAS_EXPIRED') {
    return failed(
      'expired',
      `x509: certificate has expired: valid from ${certificate?.validFrom} until ${certificate?.validTo}`,
      "renew the registry's certificate (check the runner's clock too)"
    )
  }
  if (verifyError === 'CERT_NOT_YET_VALID') {
    return failed(
      'not-yet-valid',
      `x509: certificate is not yet valid: valid from ${certificate?.validFrom} until ${certificate?.validTo}`,
      'check the clocks of the registry and the runner, or reissue the certificate'
    )
  }
  return failed(
    'tls-failed',
    `the certificate does not verify (${verifyError})`,
    `pass its CA in \`ca-cert\`, or check the certificate the registry serves on ${where}`
  )
}

function describeAnswer(facts: ProbeFacts, timeoutSeconds: number): { ok: boolean; text: string } {
  if (facts.timedOut)
    return { ok: false, text: `connected, but GET /v2/ got no answer within ${timeoutSeconds} s (i/o timeout)` }
  if (!facts.answer) return { ok: false, text: `connected, but GET /v2/ got no HTTP answer (${facts.error?.message})` }
  const { status, wwwAuthenticate, contentType } = facts.answer
  if (status === 200) return { ok: true, text: 'a registry answered (GET /v2/: 200)' }
  if (status === 401 && wwwAuthenticate)
    return {
      ok: true,
      text: 'a registry answered (GET /v2/: 401, credentials needed: log in with docker/login-action)'
    }
  return {
    ok: false,
    text: `GET /v2/ answered ${status}${contentType ? ` (${contentType})` : ''}, not as a registry API root`
  }
}
