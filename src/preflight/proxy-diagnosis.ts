import type { PlannedRegistry } from '../model.js'
import type { ProbeFacts } from './probe.js'
import { failed, type Diagnosis } from './verdict.js'

// The way to a registry through the runner's proxy, as Go's proxy rules chose it: what went wrong
// before the registry could answer. Pure.

/**
 * What went wrong on the way through the proxy, before the registry could answer: the proxy
 * itself unreachable or refusing, or the registry unreachable from it. undefined: the registry
 * answered through it (or failed in TLS or HTTP), for diagnoseRegistry.
 */
export function diagnoseProxy(
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
