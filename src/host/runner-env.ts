import { readFileSync } from 'node:fs'
import { PUBLIC_FILE_MODE, type ClientTrustPlan, type RunnerRoots } from '../model.js'
import * as core from '@actions/core'
import { createFile } from './file-write.js'

/** The bundles Go's crypto/x509 looks for on Linux, in its order (root_linux.go), when SSL_CERT_FILE is unset. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem'
]

/** What main exported, so post can give later steps (other actions' post steps) their trust back. */
export interface ClientTrustRecord {
  /** SSL_CERT_FILE before the job changed it, or the system bundle it stood for ('' for none); set when exported. */
  sslCertFileBefore?: string
  /** BUILDKIT_NO_CLIENT_TOKEN before, when the job set it. */
  noClientTokenBefore?: string
}

/**
 * The roots the runner trusts now: SSL_CERT_FILE's file, else the system bundle; undefined when neither is readable.
 */
export function readRunnerRoots(env: NodeJS.ProcessEnv): RunnerRoots | undefined {
  const candidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : SYSTEM_BUNDLES
  for (const path of candidates) {
    try {
      return { path, pem: readFileSync(path, 'utf8') }
    } catch {
      // Go skips a missing bundle too and reads the certificate directories.
    }
  }
  return undefined
}

/**
 * Writes the bundle (the runner's roots plus the registries' CAs) into the job directory and
 * exports SSL_CERT_FILE naming it; for mTLS registries also BUILDKIT_NO_CLIENT_TOKEN=1. `save`
 * runs before anything is exported. Says in the log what it exported and why.
 */
export async function installClientTrust(
  plan: ClientTrustPlan,
  env: NodeJS.ProcessEnv,
  save: (record: ClientTrustRecord) => void
): Promise<void> {
  const record: ClientTrustRecord = {}
  if (plan.extraCas !== '') record.sslCertFileBefore = env.SSL_CERT_FILE || plan.rootsPath || ''
  if (plan.mtlsHosts.length > 0) record.noClientTokenBefore = env.BUILDKIT_NO_CLIENT_TOKEN ?? ''
  save(record)
  if (plan.extraCas !== '') {
    await createFile(plan.bundlePath, plan.bundle, { mode: PUBLIC_FILE_MODE })
    core.exportVariable('SSL_CERT_FILE', plan.bundlePath)
    const base = plan.rootsPath ? `the runner's roots (${plan.rootsPath})` : 'no system bundle (none found)'
    core.info(
      `Exported SSL_CERT_FILE=${plan.bundlePath} for later steps: ${base} plus ${bundleCas(plan)}. ` +
        'buildx fetches registry tokens and `docker buildx imagetools` talks to registries on the runner, ' +
        "with the runner's trust, not the builder's. The post step points SSL_CERT_FILE back."
    )
  }
  if (plan.mtlsHosts.length > 0) {
    core.exportVariable('BUILDKIT_NO_CLIENT_TOKEN', '1')
    const wants = plan.mtlsHosts.length === 1 ? 'wants' : 'want'
    core.info(
      `Exported BUILDKIT_NO_CLIENT_TOKEN=1 for later steps: ${plan.mtlsHosts.join(', ')} ${wants} ` +
        'a client certificate, ' +
        "which buildx's own token requests cannot present; BuildKit then fetches every registry token itself, " +
        "with each registry's CA and keypair from buildkitd.toml (buildx shares the credentials with the builder " +
        'for that).'
    )
  }
}

/**
 * Post: the variables back as they were before the job (a variable exported once cannot be unset,
 * so SSL_CERT_FILE names the runner's own bundle again rather than the removed one). Only the post
 * steps of actions that started before this one run after it.
 */
export function restoreClientTrust(record: ClientTrustRecord): void {
  const restored = Object.entries({
    SSL_CERT_FILE: record.sslCertFileBefore,
    BUILDKIT_NO_CLIENT_TOKEN: record.noClientTokenBefore
  }).filter((variable): variable is [string, string] => variable[1] !== undefined)
  for (const [name, before] of restored) core.exportVariable(name, before)
  const list = restored.map(([name, before]) => `${name}=${before}`).join(', ')
  core.info(`For the steps after this one: ${list}, as before the job.`)
}

/** What the bundle adds to the runner's roots, for the log. */
function bundleCas(plan: ClientTrustPlan): string {
  const listed = plan.caHosts.length > 0 ? `the CA of ${plan.caHosts.join(', ')}` : ''
  const everywhere = plan.everywhere ? 'the ca-cert CAs for every host (ca-cert-scope: all)' : ''
  return [listed, everywhere].filter(part => part !== '').join(' and ')
}
