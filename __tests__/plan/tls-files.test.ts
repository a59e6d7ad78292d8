import { tlsFiles } from '../../src/plan/tls-files.js'

const PATHS = { ca: '/job/certs/reg/ca.pem', cert: '/job/certs/reg/cert.pem', key: '/job/certs/reg/key.pem' }
const CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n'
const KEYPAIR = {
  cert: '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n',
  key: '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n'
}

describe('tlsFiles', () => {
  it('writes the CA and the certificate readable by all, the key by its owner only', () => {
    expect(tlsFiles(PATHS, CA, KEYPAIR)).toEqual([
      { path: PATHS.ca, content: CA, mode: 0o644 },
      { path: PATHS.cert, content: KEYPAIR.cert, mode: 0o644 },
      { path: PATHS.key, content: KEYPAIR.key, mode: 0o600 }
    ])
  })

  it('writes only what there is: no CA file for an empty CA, no keypair files without one', () => {
    expect(tlsFiles(PATHS, '', KEYPAIR).map(file => file.path)).toEqual([PATHS.cert, PATHS.key])
    expect(tlsFiles(PATHS, CA, undefined).map(file => file.path)).toEqual([PATHS.ca])
    expect(tlsFiles(PATHS, undefined, undefined)).toEqual([])
  })
})
