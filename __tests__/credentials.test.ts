import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addAuths, authKey, removeAuths } from '../src/credentials.js'

// The Docker client config, on real files in a temporary directory.

function configPath(content?: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sbr-docker-config-')), 'config.json')
  if (content !== undefined) writeFileSync(path, JSON.stringify(content))
  return path
}

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'))
const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64')

describe('Docker client credentials', () => {
  it('adds entries next to the existing ones, 0600, and post puts back exactly what was there', async () => {
    const before = { auths: { 'keep.example': { auth: auth('a', 'b') }, 'reg.internal': { auth: auth('old', 'one') } }, psFormat: 'table' }
    const path = configPath(before)
    const { added } = await addAuths([{ host: 'reg.internal', username: 'ci', password: 'new' }, { host: 'docker.io', username: 'hub', password: 'tok' }], path)
    expect(read(path)).toEqual({
      auths: { 'keep.example': { auth: auth('a', 'b') }, 'reg.internal': { auth: auth('ci', 'new') }, 'https://index.docker.io/v1/': { auth: auth('hub', 'tok') } },
      psFormat: 'table'
    })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    await removeAuths(added)
    expect(read(path)).toEqual(before)
  })

  it('leaves an entry that changed since (a later docker login) alone', async () => {
    const path = configPath()
    const { added } = await addAuths([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    writeFileSync(path, JSON.stringify({ auths: { 'reg.internal': { auth: auth('someone', 'else') } } }))
    await removeAuths(added)
    expect(read(path)).toEqual({ auths: { 'reg.internal': { auth: auth('someone', 'else') } } })
  })

  it('removes the file again when it created it and only its entries were in it', async () => {
    const path = configPath()
    const { added } = await addAuths([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    expect(added.createdFile).toBe(true)
    await removeAuths(added)
    expect(existsSync(path)).toBe(false)
  })

  it('says which hosts a credential store would serve instead', async () => {
    const path = configPath({ credsStore: 'pass' })
    const { servedByHelpers } = await addAuths([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    expect(servedByHelpers).toEqual(['reg.internal'])
  })

  it('refuses to touch a config that is not JSON', async () => {
    const path = configPath()
    writeFileSync(path, '{ not json')
    await expect(addAuths([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)).rejects.toThrow('is not valid JSON')
    expect(readFileSync(path, 'utf8')).toBe('{ not json')
  })

  it('keys Docker Hub by its index URL, as docker login does', () => {
    expect(authKey('docker.io')).toBe('https://index.docker.io/v1/')
    expect(authKey('reg.internal:5443')).toBe('reg.internal:5443')
  })
})
