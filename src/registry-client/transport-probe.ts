import type { HostAddress, InsecureDaemonRegistry, ProxyEnv } from '../model.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { PROXY_ANSWERS, proxyRoute } from './proxy-route.js'
import { send } from './send.js'

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
  const tls = await getV2(new URL(`https://${host.text}/v2/`), proxyEnv, timeoutMs)
  if (tls === undefined) return { host: host.text, transport: 'insecure' }
  const http = await getV2(new URL(`http://${host.text}/v2/`), proxyEnv, timeoutMs)
  if (http === undefined) return { host: host.text, transport: 'http' }
  return {
    host: host.text,
    // Node's errors quote the network (a certificate's names): shown neutralized.
    unreachable: neutralizeUntrustedLine(`neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ${tls}; HTTP: ${http})`)
  }
}

/** GET /v2/ without verification: undefined when the registry answered (anything but a proxy's own), else why not. */
async function getV2(url: URL, proxyEnv: ProxyEnv | undefined, timeoutMs: number): Promise<string | undefined> {
  const trust = { ca: '', verify: false, proxyEnv }
  try {
    const answer = await send(url, 'GET', {}, '', trust, performance.now() + timeoutMs)
    const route = proxyRoute(proxyEnv, url).route
    if (route && url.protocol === 'http:' && PROXY_ANSWERS.has(answer.status))
      return `EPROXY the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`
    return undefined
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    return `${code ?? 'ERROR'} ${message}`.trim()
  }
}
