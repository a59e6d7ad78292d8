import { jest } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCommandFile } from '../../scripts/github-runner.mjs'
import {
  installClientTrust,
  readRunnerRoots,
  restoreClientTrust,
  type ClientTrustRecord
} from '../../src/host/runner-env.js'
import type { ClientTrustPlan } from '../../src/model.js'

const ROOTS = '-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n'
const REGISTRY_CA = '-----BEGIN CERTIFICATE-----\nREGISTRY\n-----END CERTIFICATE-----\n'
const VARIABLES = ['GITHUB_ENV', 'SSL_CERT_FILE', 'BUILDKIT_NO_CLIENT_TOKEN']

describe('readRunnerRoots: what the runner trusts before the job', () => {
  it("SSL_CERT_FILE's file when it is set", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sbr-roots-')), 'roots.pem')
    writeFileSync(path, ROOTS)
    expect(readRunnerRoots({ SSL_CERT_FILE: path })).toEqual({ path, pem: ROOTS })
  })

  it('nothing when SSL_CERT_FILE names a missing file: Go then reads no system bundle either', () => {
    expect(readRunnerRoots({ SSL_CERT_FILE: '/nonexistent/roots.pem' })).toBeUndefined()
  })

  it("the system bundle Go reads when SSL_CERT_FILE is unset or empty (Debian's, on the machines these tests run on)", () => {
    const debian = '/etc/ssl/certs/ca-certificates.crt'
    const expected = { path: debian, pem: readFileSync(debian, 'utf8') }
    expect(readRunnerRoots({})).toEqual(expected)
    expect(readRunnerRoots({ SSL_CERT_FILE: '' })).toEqual(expected)
  })
})

describe('installClientTrust and restoreClientTrust: the variables later steps get, and get back', () => {
  let dir: string
  let githubEnv: string
  const saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    for (const name of VARIABLES) saved[name] = process.env[name]
    dir = mkdtempSync(join(tmpdir(), 'sbr-runner-env-'))
    githubEnv = join(dir, 'github_env')
    writeFileSync(githubEnv, '')
    process.env.GITHUB_ENV = githubEnv
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    jest.restoreAllMocks()
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })

  function plan(overrides: Partial<ClientTrustPlan> = {}): ClientTrustPlan {
    return {
      bundlePath: join(dir, 'ca-bundle.pem'),
      extraCas: REGISTRY_CA,
      bundle: ROOTS + REGISTRY_CA,
      rootsPath: '/etc/ssl/certs/ca-certificates.crt',
      caHosts: ['reg:5443'],
      mtlsHosts: [],
      ...overrides
    }
  }

  it('writes the bundle readable by all and exports SSL_CERT_FILE naming it, the record saved first', async () => {
    delete process.env.SSL_CERT_FILE
    const records: ClientTrustRecord[] = []
    await installClientTrust(plan(), process.env, record => {
      expect(existsSync(join(dir, 'ca-bundle.pem'))).toBe(false)
      expect(readFileSync(githubEnv, 'utf8')).toBe('')
      records.push(record)
    })
    // SSL_CERT_FILE was unset: post points it at the bundle it stood for.
    expect(records).toEqual([{ sslCertFileBefore: '/etc/ssl/certs/ca-certificates.crt' }])
    expect(readFileSync(join(dir, 'ca-bundle.pem'), 'utf8')).toBe(ROOTS + REGISTRY_CA)
    expect(statSync(join(dir, 'ca-bundle.pem')).mode & 0o777).toBe(0o644)
    expect(readCommandFile(githubEnv)).toEqual({ SSL_CERT_FILE: join(dir, 'ca-bundle.pem') })
    expect(process.env.SSL_CERT_FILE).toBe(join(dir, 'ca-bundle.pem'))
  })

  it('for mTLS registries: BUILDKIT_NO_CLIENT_TOKEN=1, and no bundle when no CA is added', async () => {
    process.env.BUILDKIT_NO_CLIENT_TOKEN = '0'
    const records: ClientTrustRecord[] = []
    await installClientTrust(plan({ extraCas: '', bundle: '', mtlsHosts: ['reg:5443'] }), process.env, record =>
      records.push(record)
    )
    expect(records).toEqual([{ noClientTokenBefore: '0' }])
    expect(readCommandFile(githubEnv)).toEqual({ BUILDKIT_NO_CLIENT_TOKEN: '1' })
    expect(existsSync(join(dir, 'ca-bundle.pem'))).toBe(false)
  })

  it('remembers the SSL_CERT_FILE the runner had, and refuses a bundle path already taken', async () => {
    process.env.SSL_CERT_FILE = '/opt/corp/roots.pem'
    writeFileSync(join(dir, 'ca-bundle.pem'), 'planted')
    const records: ClientTrustRecord[] = []
    await expect(installClientTrust(plan(), process.env, record => records.push(record))).rejects.toMatchObject({
      code: 'EEXIST'
    })
    expect(records).toEqual([{ sslCertFileBefore: '/opt/corp/roots.pem' }])
    expect(readFileSync(join(dir, 'ca-bundle.pem'), 'utf8')).toBe('planted')
    expect(readCommandFile(githubEnv)).toEqual({})
  })

  it('post exports the values from before the job; an unset variable comes back empty', () => {
    restoreClientTrust({ sslCertFileBefore: '/etc/ssl/certs/ca-certificates.crt', noClientTokenBefore: '' })
    expect(readCommandFile(githubEnv)).toEqual({
      SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
      BUILDKIT_NO_CLIENT_TOKEN: ''
    })
  })

  it('post exports nothing the job did not export', () => {
    process.env.SSL_CERT_FILE = '/opt/corp/roots.pem'
    restoreClientTrust({ noClientTokenBefore: '0' })
    expect(readCommandFile(githubEnv)).toEqual({ BUILDKIT_NO_CLIENT_TOKEN: '0' })
    expect(process.env.SSL_CERT_FILE).toBe('/opt/corp/roots.pem')
  })
})
