import { portOf, whereConfigured, type PlannedRegistry } from '../model.js'
import type { ProbeFacts } from './probe.js'
import { diagnoseProxy } from './proxy-diagnosis.js'
import { failed, passed, type Diagnosis } from './verdict.js'
import { isClientCertAlert, isUnknownAuthority } from './tls-errors.js'

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
  return passed('registry', `${answer.text}${note}`)
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
  if (facts.stage !== 'resolve' && facts.stage !== 'connect') return undefined
  const why =
    facts.stage === 'resolve'
      ? `${registry.host.hostname} does not resolve (${facts.error?.code})`
      : facts.error?.code === 'ECONNREFUSED'
        ? 'connection refused'
        : facts.error?.message
  return failed('unreachable', `unreachable: ${why}`, checkHostPort)
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
