import { join } from 'node:path'
import {
  isLoopback,
  type DaemonTrustMode,
  type DaemonTrustPlan,
  type PlannedFile,
  type PlannedRegistry
} from '../model.js'
import { readHostAddress } from '../inputs/hosts.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { tlsFiles } from './tls-files.js'

/** The daemon's trust for `registries`; `id` (the job directory's name) names the certs.d files. Pure. */
export function planDaemonTrust(
  mode: Exclude<DaemonTrustMode, 'off'>,
  registries: PlannedRegistry[],
  id: string
): DaemonTrustPlan {
  return { mode, certsD: certsDFiles(registries, id), insecureHosts: hostsNeedingInsecure(registries) }
}

/** A registry's token realm, as preflight found it: the URL as the registry sent it, and whether it gave a token. */
export interface RealmFinding {
  /** The registry that named it. */
  host: string
  tokenRealm?: { url: string; fetched: boolean }
}

/**
 * The daemon fetches tokens too: each token endpoint preflight got a token from (on another
 * host:port than its registry) gets certs.d files as well, with the CA and keypair of the registry
 * that named it. A realm is the registry's word, so its host becomes a directory under certs.d only
 * when it parses as an input's host would (no `..`, no separator: inputs/hosts.ts); one that does
 * not is in `refused`, neutralized, for a warning. A realm that gave no token is not trusted: the
 * registry may name any host, and only a realm that answered as a token service has earned it. Pure.
 */
export function withTokenRealms(
  plan: DaemonTrustPlan,
  registries: PlannedRegistry[],
  realms: RealmFinding[],
  id: string
): { trust: DaemonTrustPlan; refused: string[] } {
  const { trusted, refused } = realmRegistries(registries, realms)
  return { trust: { ...plan, certsD: [...plan.certsD, ...certsDFiles(trusted, id)] }, refused }
}

/**
 * The certs.d files that make the Docker daemon trust each verified TLS
 * registry: the CA as `<id>.crt`, the keypair as `<id>.cert`/`<id>.key` (the
 * names docker looks for), all named for this job so no one else's are touched.
 */
function certsDFiles(registries: PlannedRegistry[], id: string): PlannedFile[] {
  return registries
    .filter(registry => registry.transport === 'tls')
    .flatMap(registry => {
      const dir = registry.host.text
      return tlsFiles(
        { ca: join(dir, `${id}.crt`), cert: join(dir, `${id}.cert`), key: join(dir, `${id}.key`) },
        registry.ca,
        registry.keypair
      )
    })
}

/** Registries the daemon only talks to when listed in insecure-registries (it already counts loopback as insecure). */
function hostsNeedingInsecure(registries: PlannedRegistry[]): string[] {
  return registries
    .filter(registry => registry.transport !== 'tls' && !isLoopback(registry.host))
    .map(registry => registry.host.text)
}

/**
 * The token endpoints of TLS registries, as registries for certs.d: the daemon fetches tokens too,
 * so each realm's host:port gets the CA (and keypair) of the registry that named it. Realms on a
 * registry's own host:port, plain-HTTP realms, realms that gave no token and repeats are left out;
 * a realm whose host does not parse is refused, with why. Pure.
 */
function realmRegistries(
  registries: PlannedRegistry[],
  realms: RealmFinding[]
): { trusted: PlannedRegistry[]; refused: string[] } {
  const seen = new Set(registries.map(registry => registry.host.text.toLowerCase()))
  const trusted: PlannedRegistry[] = []
  const refused: string[] = []
  for (const { host, tokenRealm } of realms) {
    const registry = registries.find(entry => entry.host.text === host)
    if (!registry || registry.transport !== 'tls' || !tokenRealm) continue
    const url = URL.canParse(tokenRealm.url) ? new URL(tokenRealm.url) : undefined
    const realmHost = url && readHostAddress(url.host)
    if (!url || !realmHost || 'problem' in realmHost) {
      const why = realmHost && 'problem' in realmHost ? realmHost.problem : 'it is not a URL'
      refused.push(
        neutralizeUntrustedLine(
          `${host} names the token realm ${tokenRealm.url}, whose host is not one the Docker daemon can be given ` +
            `(${why}): it is left out of the daemon's trust`
        )
      )
      continue
    }
    if (url.protocol !== 'https:' || !tokenRealm.fetched || seen.has(realmHost.text.toLowerCase())) continue
    seen.add(realmHost.text.toLowerCase())
    trusted.push({ ...registry, host: realmHost, written: [] })
  }
  return { trusted, refused }
}
