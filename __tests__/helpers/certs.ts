import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** PEM files made by the real openssl: a CA, a server certificate it signed, and a client keypair. */
export interface TestPki {
  dir: string
  caCertPath: string
  caCert: string
  serverCertPath: string
  serverKeyPath: string
  clientCertPath: string
  clientCert: string
  clientKeyPath: string
  clientKey: string
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

/** A CA and certificates signed by it; `serverNames` go into the server certificate's subjectAltName. */
export function makePki(serverNames: string[] = ['localhost', 'IP:127.0.0.1']): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-pki-'))
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(dir, ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=setup-buildkit-registry test CA'])
  const san = serverNames.map(name => (name.includes(':') ? name : `DNS:${name}`)).join(',')
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`)
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${serverNames[0]}`])
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '30', '-extfile', 'server.ext'])
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=setup-buildkit-registry test client'])
  openssl(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '30', '-extfile', 'client.ext'])
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
  return {
    dir,
    caCertPath: join(dir, 'ca.pem'),
    caCert: read('ca.pem'),
    serverCertPath: join(dir, 'server.pem'),
    serverKeyPath: join(dir, 'server.key'),
    clientCertPath: join(dir, 'client.pem'),
    clientCert: read('client.pem'),
    clientKeyPath: join(dir, 'client.key'),
    clientKey: read('client.key')
  }
}
