import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { builderConfigPath, registryEndpoint } from '../../src/merge/builder-trust.js'
import { inputErrorOf } from '../helpers/input-errors.js'

// The trust merge reads from the files a main step left: real files in a temp dir.

function files(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-merge-trust-'))
  mkdirSync(join(dir, 'docker'))
  return { dir, env: { DOCKER_CONFIG: join(dir, 'docker') } }
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('builderConfigPath', () => {
  it('the newest setup that configures the registry; else the newest; a removed config skipped', () => {
    const { dir } = files()
    const a = write(dir, 'a.toml', '[registry."a:5000"]\nhttp = true\n')
    const b = write(dir, 'b.toml', '[registry."b:5000"]\nhttp = true\n')
    const env = { SETUP_BUILDKIT_REGISTRY_CONFIG: `${b}:${join(dir, 'gone.toml')}:${a}` }
    expect(builderConfigPath('', 'a:5000', env)).toBe(a)
    expect(builderConfigPath('', 'b:5000', env)).toBe(b)
    expect(builderConfigPath('', 'c:5000', env)).toBe(b)
    expect(builderConfigPath('', 'a:5000', {})).toBeUndefined()
  })

  it('the `config` input wins; one that is not there is the input error', () => {
    const { dir } = files()
    const a = write(dir, 'a.toml', '')
    expect(builderConfigPath(a, 'x:1', { SETUP_BUILDKIT_REGISTRY_CONFIG: 'other' })).toBe(a)
    const error = inputErrorOf(() => builderConfigPath(join(dir, 'missing.toml'), 'x:1', {}))
    expect(error.input).toBe('config')
    expect(error.problem).toContain('is not there')
  })
})

describe('registryEndpoint', () => {
  it("buildkitd.toml's transport, CA and keypair, read from the builder's own files", () => {
    const { dir, env } = files()
    const ca = write(dir, 'ca.pem', 'CA PEM')
    const cert = write(dir, 'cert.pem', 'CERT PEM')
    const key = write(dir, 'key.pem', 'KEY PEM')
    const config = write(
      dir,
      'buildkitd.toml',
      `[registry."m:8443"]\nhttp = false\nca = ["${ca}"]\n[[registry."m:8443".keypair]]\nkey = "${key}"\ncert = "${cert}"\n` +
        '[registry."p:5000"]\nhttp = true\n[registry."i:5443"]\nhttp = false\ninsecure = true\n'
    )
    const mtls = registryEndpoint('m:8443', config, env)
    expect(mtls).toMatchObject({ transport: 'tls', ca: 'CA PEM', keypair: { cert: 'CERT PEM', key: 'KEY PEM' } })
    expect(registryEndpoint('p:5000', config, env).transport).toBe('http')
    expect(registryEndpoint('i:5443', config, env).transport).toBe('insecure')
    expect(registryEndpoint('n:1', config, env)).toMatchObject({ transport: 'tls', ca: '', keypair: undefined })
    // A token realm on another host gets the CAs, never the registry's keypair.
    expect(mtls.realmTrust(new URL('https://auth.example:443/token'))).toEqual({ ca: 'CA PEM', keypair: undefined })
    expect(mtls.realmTrust(new URL('https://m:8443/token')).keypair).toEqual({ cert: 'CERT PEM', key: 'KEY PEM' })
  })

  it('the login main (or docker/login-action) stored in the Docker client config, and SSL_CERT_FILE for realms', () => {
    const { dir, env } = files()
    const auth = Buffer.from('ci:secret-pass').toString('base64')
    writeFileSync(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { 'r:5000': { auth } } }))
    const bundle = write(dir, 'bundle.pem', 'BUNDLE PEM')
    const endpoint = registryEndpoint('r:5000', undefined, { ...env, SSL_CERT_FILE: bundle })
    expect(endpoint.credential).toEqual({ host: 'r:5000', username: 'ci', password: 'secret-pass' })
    expect(endpoint.realmTrust(new URL('https://auth:1/token')).ca).toBe('BUNDLE PEM')
  })
})
