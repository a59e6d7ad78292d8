import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { addAuths, removeAuths, type AddedAuths } from '../../../src/host/edits/docker-credentials.js'
import { authKey } from '../../../src/model.js'
import type { Credential } from '../../../src/model.js'

// The Docker client config, on real files in a temporary directory.

function configPath(content?: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sbr-docker-config-')), 'config.json')
  if (content !== undefined) writeFileSync(path, JSON.stringify(content))
  return path
}

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'))
const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64')

/** addAuths as main calls it: the backup in a job directory, the record saved before the write. */
async function add(
  credentials: Credential[],
  path: string
): Promise<{ added: AddedAuths; servedByHelpers: string[]; saved: AddedAuths[] }> {
  const saved: AddedAuths[] = []
  const jobDir = mkdtempSync(join(tmpdir(), 'sbr-job-'))
  const result = await addAuths(credentials, path, join(jobDir, 'docker-config.json.backup'), added =>
    saved.push(added)
  )
  return { ...result, saved }
}

describe('Docker client credentials', () => {
  it('adds entries next to the existing ones, and post puts back exactly what was there', async () => {
    const before = {
      auths: { 'keep.example': { auth: auth('a', 'b') }, 'reg.internal': { auth: auth('old', 'one') } },
      psFormat: 'table'
    }
    const path = configPath(before)
    const { added, saved } = await add(
      [
        { host: 'reg.internal', username: 'ci', password: 'new' },
        { host: 'docker.io', username: 'hub', password: 'tok' }
      ],
      path
    )
    expect(saved).toEqual([added])
    expect(read(path)).toEqual({
      auths: {
        'keep.example': { auth: auth('a', 'b') },
        'reg.internal': { auth: auth('ci', 'new') },
        'https://index.docker.io/v1/': { auth: auth('hub', 'tok') }
      },
      psFormat: 'table'
    })
    expect(await removeAuths(added)).toEqual([])
    expect(read(path)).toEqual(before)
  })

  it('gives a file in any layout back byte for byte, with its mode, and keeps its layout meanwhile', async () => {
    const path = configPath()
    const text = '{\n    "auths": {\n        "keep.example": {\n            "auth": "a2VlcA=="\n        }\n    }\n}'
    writeFileSync(path, text, { mode: 0o640 })
    const { added } = await add([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    // The user's 4-space indent, the new entry beside theirs.
    expect(readFileSync(path, 'utf8')).toBe(
      '{\n    "auths": {\n        "keep.example": {\n            "auth": "a2VlcA=="\n        },\n' +
        '        "reg.internal": {\n            "auth": "Y2k6eA=="\n        }\n    }\n}'
    )
    expect(statSync(path).mode & 0o777).toBe(0o640)
    await removeAuths(added)
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(statSync(path).mode & 0o777).toBe(0o640)
    // A second post step changes nothing.
    expect(await removeAuths(added)).toEqual([])
    expect(readFileSync(path, 'utf8')).toBe(text)
  })

  it('creates a missing file 0600, tab-indented as docker login writes it, and removes it again', async () => {
    const path = configPath()
    const { added } = await add([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    expect(added.change.before).toBeUndefined()
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toBe(
      `{\n\t"auths": {\n\t\t"reg.internal": {\n\t\t\t"auth": "${auth('ci', 'x')}"\n\t\t}\n\t}\n}\n`
    )
    await removeAuths(added)
    expect(existsSync(path)).toBe(false)
  })

  it('leaves an entry that changed since (a later docker login) alone, and says so', async () => {
    const path = configPath()
    const { added } = await add([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    writeFileSync(path, JSON.stringify({ auths: { 'reg.internal': { auth: auth('someone', 'else') } } }))
    expect((await removeAuths(added)).join('\n')).toContain('was changed after the main step')
    expect(read(path)).toEqual({ auths: { 'reg.internal': { auth: auth('someone', 'else') } } })
  })

  it('removes only its own entries from a file changed since, keeping the other change', async () => {
    const path = configPath({ auths: { 'reg.internal': { auth: auth('old', 'one') } } })
    const { added } = await add(
      [
        { host: 'reg.internal', username: 'ci', password: 'x' },
        { host: 'b.internal', username: 'ci', password: 'y' }
      ],
      path
    )
    const changed = read(path) as { auths: Record<string, unknown>; detachKeys?: string }
    writeFileSync(path, JSON.stringify({ ...changed, detachKeys: 'ctrl-e,e' }))
    await removeAuths(added)
    expect(read(path)).toEqual({ auths: { 'reg.internal': { auth: auth('old', 'one') } }, detachKeys: 'ctrl-e,e' })
  })

  it('writes through a config.json that is a link, as docker/cli saves it, and post puts the shared file back', async () => {
    const path = configPath()
    const shared = join(dirname(path), 'shared', 'config.json')
    mkdirSync(dirname(shared))
    writeFileSync(shared, '{"psFormat": "table"}', { mode: 0o640 })
    symlinkSync(shared, path)
    const { added } = await add([{ host: 'reg.internal', username: 'u', password: 'p' }], path)
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
    expect(read(shared)).toMatchObject({ auths: { 'reg.internal': { auth: auth('u', 'p') } } })
    expect(await removeAuths(added)).toEqual([])
    expect(readFileSync(shared, 'utf8')).toBe('{"psFormat": "table"}')
    expect(statSync(shared).mode & 0o7777).toBe(0o640)
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
  })

  it('behind a dangling link, creates the file it points to and post removes that file, keeping the link', async () => {
    const path = configPath()
    const target = join(dirname(path), 'elsewhere', 'config.json')
    symlinkSync(target, path)
    const { added } = await add([{ host: 'reg.internal', username: 'u', password: 'p' }], path)
    expect(read(target)).toMatchObject({ auths: { 'reg.internal': { auth: auth('u', 'p') } } })
    await removeAuths(added)
    expect(existsSync(target)).toBe(false)
    expect(lstatSync(path).isSymbolicLink()).toBe(true)
  })

  it('says which hosts a credential store would serve instead', async () => {
    const path = configPath({ credsStore: 'pass' })
    const { servedByHelpers } = await add([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)
    expect(servedByHelpers).toEqual(['reg.internal'])
  })

  it('refuses to touch a config that is not JSON', async () => {
    const path = configPath()
    writeFileSync(path, '{ not json')
    await expect(add([{ host: 'reg.internal', username: 'ci', password: 'x' }], path)).rejects.toThrow(
      'is not valid JSON'
    )
    expect(readFileSync(path, 'utf8')).toBe('{ not json')
  })

  it('keys Docker Hub by its index URL, as docker login does', () => {
    expect(authKey('docker.io')).toBe('https://index.docker.io/v1/')
    expect(authKey('reg.internal:5443')).toBe('reg.internal:5443')
  })
})
