import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, type Keypair, type PlannedFile } from '../model.js'

/** The paths one set of TLS material is written to: a CA bundle, a client certificate and its key. */
export interface TlsPaths {
  ca: string
  cert: string
  key: string
}

/**
 * A CA and a keypair as files: the CA and the certificate readable by all, the
 * key by its owner only. Each consumer (BuildKit's registry sections, the
 * remote driver's endpoint, the daemon's certs.d) names the files its own way.
 */
export function tlsFiles(paths: TlsPaths, ca: string | undefined, keypair: Keypair | undefined): PlannedFile[] {
  const files: PlannedFile[] = []
  if (ca) files.push({ path: paths.ca, content: ca, mode: PUBLIC_FILE_MODE })
  if (keypair) {
    files.push({ path: paths.cert, content: keypair.cert, mode: PUBLIC_FILE_MODE })
    files.push({ path: paths.key, content: keypair.key, mode: PRIVATE_FILE_MODE })
  }
  return files
}
