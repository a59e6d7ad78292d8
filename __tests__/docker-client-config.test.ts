import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  cliPluginDirs,
  credentialHelperFor,
  currentDockerContext,
  readDockerClientConfig,
  storedCredential,
  type DockerClientConfigFile
} from '../src/docker-client-config.js'

const config = (file: DockerClientConfigFile): ReturnType<typeof readDockerClientConfig> => ({ path: '/c', file })
const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64')

describe('readDockerClientConfig', () => {
  it("reads DOCKER_CONFIG's config.json", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbr-client-config-'))
    writeFileSync(join(dir, 'config.json'), '{"currentContext": "ci", "credsStore": "pass"}')
    expect(readDockerClientConfig({ DOCKER_CONFIG: dir })).toEqual({
      path: join(dir, 'config.json'),
      file: { currentContext: 'ci', credsStore: 'pass' }
    })
  })

  it('no file, or one that does not parse: no keys (docker itself then says what is wrong)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbr-client-config-'))
    expect(readDockerClientConfig({ DOCKER_CONFIG: dir }).file).toEqual({})
    writeFileSync(join(dir, 'config.json'), '{ not json')
    expect(readDockerClientConfig({ DOCKER_CONFIG: dir }).file).toEqual({})
    writeFileSync(join(dir, 'config.json'), 'null')
    expect(readDockerClientConfig({ DOCKER_CONFIG: dir }).file).toEqual({})
  })
})

describe('cliPluginDirs: where `docker buildx` is looked for, first match wins (docker/cli getPluginDirs)', () => {
  it('the config’s cliPluginsExtraDirs, then DOCKER_CONFIG/cli-plugins, then the system directories', () => {
    expect(cliPluginDirs(config({ cliPluginsExtraDirs: ['/opt/plugins'] }), { DOCKER_CONFIG: '/cfg' })).toEqual([
      '/opt/plugins',
      '/cfg/cli-plugins',
      '/usr/local/lib/docker/cli-plugins',
      '/usr/local/libexec/docker/cli-plugins',
      '/usr/lib/docker/cli-plugins',
      '/usr/libexec/docker/cli-plugins'
    ])
  })
})

describe('currentDockerContext, in docker/cli’s order (resolveContextName)', () => {
  it.each([
    [
      'DOCKER_HOST wins over DOCKER_CONTEXT: the default context',
      { DOCKER_HOST: 'tcp://dind:2376', DOCKER_CONTEXT: 'x' },
      'ci',
      'default'
    ],
    ['DOCKER_CONTEXT over the config', { DOCKER_CONTEXT: 'remote' }, 'ci', 'remote'],
    ['the config’s currentContext', {}, 'ci', 'ci'],
    ['none: default', {}, undefined, 'default']
  ])('%s', (_why, env, currentContext, expected) => {
    expect(currentDockerContext(config({ currentContext }), env)).toBe(expected)
  })
})

describe('credentials', () => {
  it('a credHelpers entry for the host, else credsStore, serves it; Docker Hub under its index URL', () => {
    const helpers = config({ credHelpers: { 'reg.internal:5000': 'ecr-login', 'https://index.docker.io/v1/': 'hub' } })
    expect(credentialHelperFor(helpers, 'reg.internal:5000')).toBe('ecr-login')
    expect(credentialHelperFor(helpers, 'docker.io')).toBe('hub')
    expect(credentialHelperFor(helpers, 'other:5000')).toBe(undefined)
    expect(credentialHelperFor(config({ credsStore: 'desktop' }), 'other:5000')).toBe('desktop')
  })

  it('the stored login of a host, not one a helper serves, and none for a malformed entry', () => {
    const file = {
      auths: {
        'reg.internal:5000': { auth: auth('ci', 'pa:ss') },
        'helped:5000': { auth: auth('ci', 'secret') },
        'broken:5000': { auth: Buffer.from('no-colon').toString('base64') }
      },
      credHelpers: { 'helped:5000': 'pass' }
    }
    expect(storedCredential(config(file), 'reg.internal:5000')).toEqual({
      host: 'reg.internal:5000',
      username: 'ci',
      password: 'pa:ss'
    })
    expect(storedCredential(config(file), 'helped:5000')).toBe(undefined)
    expect(storedCredential(config(file), 'broken:5000')).toBe(undefined)
    expect(storedCredential(config(file), 'absent:5000')).toBe(undefined)
  })
})
