import { join } from 'node:path'
import {
  isLoopback,
  type DaemonTrustMode,
  type DaemonTrustPlan,
  type PlannedFile,
  type PlannedRegistry
} from '../model.js'
import { tlsFiles } from './tls-files.js'

/** The daemon's trust for `registries`; `id` (the job directory's name) names the certs.d files. Pure. */
export function planDaemonTrust(
  mode: Exclude<DaemonTrustMode, 'off'>,
  registries: PlannedRegistry[],
  id: string
): DaemonTrustPlan {
  return { mode, certsD: certsDFiles(registries, id), insecureHosts: hostsNeedingInsecure(registries) }
}

/**
 * The daemon fetches tokens too: each token endpoint preflight found (on another host:port than
 * its registry) gets certs.d files as well, with the CA and keypair of the registry that named it. Pure.
 */
export function withTokenRealms(
  plan: DaemonTrustPlan,
  registries: PlannedRegistry[],
  realms: { host: string; realm?: string }[],
  id: string
): DaemonTrustPlan {
  return { ...plan, certsD: [...plan.certsD, ...certsDFiles(realmRegistries(registries, realms), id)] }
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
 * registry's own host:port, plain-HTTP realms and repeats are left out. Pure.
 */
function realmRegistries(registries: PlannedRegistry[], realms: { host: string; realm?: string }[]): PlannedRegistry[] {
  const seen = new Set(registries.map(registry => registry.host.text.toLowerCase()))
  return realms.flatMap(({ host, realm }) => {
    const registry = registries.find(entry => entry.host.text === host)
    const url = realm && URL.canParse(realm) ? new URL(realm) : undefined
    if (!registry || registry.transport !== 'tls' || url?.protocol !== 'https:') return []
    if (seen.has(url.host.toLowerCase())) return []
    seen.add(url.host.toLowerCase())
    const hostname = url.hostname.replace(/^\[|\]$/g, '')
    return [
      {
        ...registry,
        host: { text: url.host, hostname, port: url.port === '' ? undefined : Number(url.port) },
        written: []
      }
    ]
  })
}
