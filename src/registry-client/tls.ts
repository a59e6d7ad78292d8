import { isIP } from 'node:net'
import { rootCertificates } from 'node:tls'
import type { Trust } from '../model.js'

/** A probe's own deadline passed: its error code is the one Go's i/o timeout maps to. */
export class DeadlineError extends Error {
  readonly code = 'ETIMEDOUT'
}

/**
 * TLS options as BuildKit and buildx make them: SNI for names only (for an address, Node checks
 * the certificate's IP entries against the host), and `ca` added to the system roots, since
 * Node's `ca` replaces them where Go adds it to the system pool.
 */
export function trustOptions(
  hostname: string,
  trust: Trust
): { servername?: string; ca?: string[]; cert?: string; key?: string } {
  return {
    servername: isIP(hostname) ? undefined : hostname,
    ca: trust.ca ? [...rootCertificates, trust.ca] : undefined,
    cert: trust.keypair?.cert,
    key: trust.keypair?.key
  }
}
