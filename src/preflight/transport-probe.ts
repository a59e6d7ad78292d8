import type { HostAddress, InsecureDaemonRegistry, ProxyEnv } from '../model.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { probeRegistry, type ProbeFacts } from './probe.js'

/**
 * What an insecure-registries host speaks, found out as the daemon does when it pushes there:
 * HTTPS without verification first, then plain HTTP (moby's registry endpoints for an insecure
 * index, in that order). A registry answers either way (200, or 401 asking for credentials); a
 * port that completes no TLS handshake but answers HTTP is plain HTTP. Through the proxy the
 * builder will use, as preflight goes. Never throws.
 */
export async function probeInsecureTransport(
  host: HostAddress,
  proxyEnv: ProxyEnv | undefined,
  timeoutMs: number
): Promise<InsecureDaemonRegistry> {
  const target = { host, ca: '', proxyEnv: proxyEnv ? { builder: proxyEnv } : undefined }
  const tls = await probeRegistry({ ...target, transport: 'insecure' }, timeoutMs)
  if (answered(tls)) return { host: host.text, transport: 'insecure' }
  const http = await probeRegistry({ ...target, transport: 'http' }, timeoutMs)
  if (answered(http)) return { host: host.text, transport: 'http' }
  return {
    host: host.text,
    // Node's errors quote the network (a certificate's names): shown neutralized.
    unreachable: neutralizeUntrustedLine(
      `neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ${failure(tls)}; HTTP: ${failure(http)})`
    )
  }
}

/** A registry's answer to GET /v2/: anything but a proxy's own. */
function answered(facts: ProbeFacts): boolean {
  return facts.stage === 'done' && facts.answer !== undefined && facts.proxyStatus === undefined
}

function failure(facts: ProbeFacts): string {
  if (facts.error) return `${facts.error.code} ${facts.error.message}`.trim()
  return facts.answer ? `answered ${facts.answer.status}` : 'no answer'
}
