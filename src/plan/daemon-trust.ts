import { join } from 'node:path'
import { isLoopback, type PlannedFile, type PlannedRegistry } from '../model.js'
import { tlsFiles } from './tls-files.js'

/**
 * The certs.d files that make the Docker daemon trust each verified TLS
 * registry: the CA as `<id>.crt`, the keypair as `<id>.cert`/`<id>.key` (the
 * names docker looks for), all named for this job so no one else's are touched.
 */
export function certsDFiles(registries: PlannedRegistry[], certsDir: string, id: string): PlannedFile[] {
  return registries
    .filter(registry => registry.transport === 'tls')
    .flatMap(registry => {
      const dir = join(certsDir, registry.host.text)
      return tlsFiles(
        { ca: join(dir, `${id}.crt`), cert: join(dir, `${id}.cert`), key: join(dir, `${id}.key`) },
        registry.ca,
        registry.keypair
      )
    })
}

/** Registries the daemon only talks to when listed in insecure-registries (it already counts loopback as insecure). */
export function hostsNeedingInsecure(registries: PlannedRegistry[]): string[] {
  return registries
    .filter(registry => registry.transport !== 'tls' && !isLoopback(registry.host))
    .map(registry => registry.host.text)
}
