import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neverLog } from '../../scripts/github-runner.mjs'

/** PEM files made by the real openssl: a CA, a server certificate it signed, and a client keypair. */
export interface TestPki {
  dir: string
  caCertPath: string
  caCert: string
  /** The CA's private key, so more certificates can be issued with `issueServerCert`. */
  caKeyPath: string
  serverCertPath: string
  serverKeyPath: string
  clientCertPath: string
  clientCert: string
  clientKeyPath: string
  clientKey: string
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

/** `localhost` → `DNS:localhost`; names that already say their type (`IP:127.0.0.1`) are kept. */
function subjectAltName(names: string[]): string {
  return names.map(name => (name.includes(':') ? name : `DNS:${name}`)).join(',')
}

/** NAME.key and NAME.pem in `dir`, signed by the CA there (ca.pem, ca.key), with the extensions given. */
function issueFromCa(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions)
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject])
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '30',
    '-extfile',
    `${name}.ext`
  ])
}

/** A CA and certificates signed by it; `serverNames` go into the server certificate's subjectAltName. */
export function makePki(serverNames: string[] = ['localhost', 'IP:127.0.0.1']): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-pki-'))
  openssl(dir, [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=setup-buildkit-registry test CA'
  ])
  issueFromCa(
    dir,
    'server',
    `/CN=${serverNames[0]}`,
    `subjectAltName=${subjectAltName(serverNames)}\nextendedKeyUsage=serverAuth\n`
  )
  issueFromCa(dir, 'client', '/CN=setup-buildkit-registry test client', 'extendedKeyUsage=clientAuth\n')
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
  // Every step run through scripts/github-runner.mjs fails if its log shows one of these.
  for (const key of ['ca.key', 'server.key', 'client.key']) neverLog(read(key))
  return {
    dir,
    caCertPath: join(dir, 'ca.pem'),
    caCert: read('ca.pem'),
    caKeyPath: join(dir, 'ca.key'),
    serverCertPath: join(dir, 'server.pem'),
    serverKeyPath: join(dir, 'server.key'),
    clientCertPath: join(dir, 'client.pem'),
    clientCert: read('client.pem'),
    clientKeyPath: join(dir, 'client.key'),
    clientKey: read('client.key')
  }
}

export type CertValidity = 'valid' | 'expired' | 'not-yet-valid'

export interface IssuedCert {
  certPath: string
  keyPath: string
  cert: string
}

// Fixed windows, far from today, so the result does not depend on when the tests run.
// `openssl x509` in OpenSSL 3.0 cannot set a start date (no -not_before), `openssl ca` can.
const validityDates: Record<CertValidity, string[]> = {
  valid: ['-days', '30'],
  expired: ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z'],
  'not-yet-valid': ['-startdate', '20990101000000Z', '-enddate', '20990201000000Z']
}

/** The smallest `openssl ca` setup: a database in the PKI's directory, made on first use. */
function caConfig(pki: TestPki): string {
  const db = join(pki.dir, 'ca-db')
  const config = join(db, 'ca.cnf')
  if (existsSync(config)) return config
  mkdirSync(db)
  writeFileSync(join(db, 'index.txt'), '')
  // A random first serial, so two PKIs never hand out the same (issuer, serial) pair by accident.
  writeFileSync(join(db, 'serial'), `${randomBytes(8).toString('hex').replace(/^./, '1')}\n`)
  writeFileSync(
    config,
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(db, 'index.txt')}`,
      `serial = ${join(db, 'serial')}`,
      `new_certs_dir = ${db}`,
      `certificate = ${pki.caCertPath}`,
      `private_key = ${pki.caKeyPath}`,
      'default_md = sha256',
      'policy = any_policy',
      // Certificates for the same name may be issued more than once (valid, expired...).
      'unique_subject = no',
      // Only what x509_extensions says goes into the certificate, never what the request asks for.
      'copy_extensions = none',
      'x509_extensions = server_ext',
      '[any_policy]',
      'commonName = supplied',
      '[server_ext]',
      // Filled in per certificate through the environment.
      'subjectAltName = ${ENV::SAN}',
      'extendedKeyUsage = serverAuth',
      ''
    ].join('\n')
  )
  return config
}

/**
 * Another server certificate (and its EC P-256 key) from the CA of `pki`, for `names`
 * (as in `makePki`), valid now, expired in 2020, or valid only from 2099.
 */
export function issueServerCert(pki: TestPki, options: { names: string[]; validity?: CertValidity }): IssuedCert {
  const config = caConfig(pki)
  const dir = mkdtempSync(join(pki.dir, 'server-'))
  const keyPath = join(dir, 'server.key')
  const certPath = join(dir, 'server.pem')
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', keyPath, '-out', 'server.csr', '-subj', `/CN=${options.names[0]}`])
  execFileSync(
    'openssl',
    [
      'ca',
      '-config',
      config,
      '-batch',
      '-notext',
      '-in',
      'server.csr',
      '-out',
      certPath,
      ...validityDates[options.validity ?? 'valid']
    ],
    { cwd: dir, stdio: 'pipe', env: { ...process.env, SAN: subjectAltName(options.names) } }
  )
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8') }
}
