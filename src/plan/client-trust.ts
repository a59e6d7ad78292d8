import { join } from 'node:path'
import { certificateBlocks } from '../inputs/pem.js'
import type { ClientTrustPlan, PlannedRegistry, RunnerRoots, TokenTrust } from '../model.js'

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

/**
 * undefined when no TLS registry has a CA or a keypair and no CA is trusted everywhere: nothing
 * then changes for later steps. `everywhereCa`: `ca-cert` under `ca-cert-scope: all` (ca-scope.ts),
 * in the bundle even when no listed registry has it, for the token realms of registries nobody
 * listed, which buildx fetches from on the runner. Pure.
 */
export function planClientTrust(
  registries: PlannedRegistry[],
  dir: string,
  roots: RunnerRoots | undefined,
  everywhereCa = ''
): ClientTrustPlan | undefined {
  const verified = registries.filter(registry => registry.transport === 'tls')
  const withCa = verified.filter(registry => registry.ca !== '')
  const mtlsHosts = verified.filter(registry => registry.keypair).map(registry => registry.host.text)
  if (withCa.length === 0 && mtlsHosts.length === 0 && everywhereCa === '') return undefined
  const certificates = new Set(
    [...withCa.map(registry => registry.ca), everywhereCa].flatMap(pem => certificateBlocks(pem))
  )
  const extraCas = [...certificates].map(certificate => certificate + '\n').join('')
  return {
    bundlePath: join(dir, 'ca-bundle.pem'),
    extraCas,
    // What SSL_CERT_FILE will name: the runner's roots, then the registries' CAs.
    bundle: `${roots ? roots.pem.replace(/\s*$/, '\n') : ''}${extraCas}`,
    rootsPath: roots?.path,
    caHosts: withCa.map(registry => registry.host.text),
    everywhere: everywhereCa !== '',
    mtlsHosts
  }
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
  return { fetchedBy: 'buildx', ca: plan ? plan.bundle : (roots?.pem ?? '') }
}
