import { join } from 'node:path'
import type { PlannedRegistry, TokenTrust } from '../model.js'

// buildkitd.toml is read by buildkitd only. Two things a job does with a registry happen on the
// runner instead, with the runner's trust (Go's system roots, which honour SSL_CERT_FILE):
// - buildx fetches registry tokens itself by default: BuildKit asks the client session for a
//   token authority, and buildx's auth provider answers, then fetches the token from the realm
//   with Go's default client (buildkit session/auth/authprovider/authprovider.go, FetchToken;
//   buildx passes no TLS configs to it: commands/build.go and bake.go).
// - `docker buildx imagetools` talks to the registry and its realm from the runner
//   (buildx util/imagetools/inspect.go sets every host's client to tracing.DefaultClient).
// So a private CA must also reach the runner's trust; and where the token endpoint wants the
// client certificate, only buildkitd can present it (BUILDKIT_NO_CLIENT_TOKEN makes it fetch).

/** What the job's later steps get, and why. */
export interface ClientTrustPlan {
  /** The CA bundle in the job directory that SSL_CERT_FILE names. */
  bundlePath: string
  /** The CAs of every verified TLS registry, each once ('' for none): added to the runner's roots. */
  extraCas: string
  /** Registries whose CA goes into the bundle, for the log. */
  caHosts: string[]
  /** mTLS registries: BUILDKIT_NO_CLIENT_TOKEN=1 lets buildkitd fetch their tokens with the keypair. */
  mtlsHosts: string[]
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** undefined when no TLS registry has a CA or a keypair: nothing then changes for later steps. Pure. */
export function planClientTrust(registries: PlannedRegistry[], dir: string): ClientTrustPlan | undefined {
  const verified = registries.filter(registry => registry.transport === 'tls')
  const withCa = verified.filter(registry => registry.ca !== '')
  const mtlsHosts = verified.filter(registry => registry.keypair).map(registry => registry.host.text)
  if (withCa.length === 0 && mtlsHosts.length === 0) return undefined
  const certificates = new Set(withCa.flatMap(registry => registry.ca.match(CERTIFICATE) ?? []))
  return {
    bundlePath: join(dir, 'ca-bundle.pem'),
    extraCas: [...certificates].map(certificate => certificate + '\n').join(''),
    caHosts: withCa.map(registry => registry.host.text),
    mtlsHosts
  }
}

/** The runner's roots before the job: what SSL_CERT_FILE named, or the system bundle Go reads. */
export interface RunnerRoots {
  path: string
  pem: string
}

/** The bundle SSL_CERT_FILE will name: the runner's roots, then the registries' CAs. Pure. */
export function bundleText(roots: RunnerRoots | undefined, extraCas: string): string {
  const base = roots ? roots.pem.replace(/\s*$/, '\n') : ''
  return `${base}${extraCas}`
}

/**
 * The trust a token fetch for `registry` will have. buildkitd fetches with the registry host's
 * own client (buildkit util/resolver/pool.go: newDockerAuthorizer(res[0].Client, ...)), so a
 * realm on another host is trusted with the registry's `ca` and offered its keypair. Pure.
 */
export function tokenTrustFor(
  registry: PlannedRegistry,
  plan: ClientTrustPlan | undefined,
  roots: RunnerRoots | undefined
): TokenTrust {
  if (plan && plan.mtlsHosts.length > 0) return { fetchedBy: 'buildkitd', ca: registry.ca, keypair: registry.keypair }
  // On the runner: its roots and the bundle (as SSL_CERT_FILE will name it) are what Go trusts.
  return { fetchedBy: 'buildx', ca: plan ? bundleText(roots, plan.extraCas) : (roots?.pem ?? '') }
}
