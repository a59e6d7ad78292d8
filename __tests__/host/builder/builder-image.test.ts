import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tarHeader, writeDockerArchive } from '../../../src/host/builder/builder-image.js'

describe('writeDockerArchive', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sbr-archive-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('a tar that GNU tar reads: the files, then manifest.json naming them and the tag', async () => {
    const config = join(dir, `${'c'.repeat(64)}.json`)
    const layer = join(dir, `${'1'.repeat(64)}.layer`)
    writeFileSync(config, '{"rootfs":{}}')
    // Sizes on and off the 512-byte blocks.
    writeFileSync(layer, Buffer.alloc(1024, 7))
    const archive = join(dir, 'image.tar')
    await writeDockerArchive(
      archive,
      { config: { path: config }, layers: [{ path: layer }] },
      'docker.io/moby/buildkit:v1'
    )
    const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' })
    expect(listing).toMatch(new RegExp(`13 [^\\n]* ${'c'.repeat(64)}\\.json\\n`))
    expect(listing).toMatch(new RegExp(`1024 [^\\n]* ${'1'.repeat(64)}\\.layer\\n`))
    const out = join(dir, 'out')
    execFileSync('mkdir', [out])
    execFileSync('tar', ['-xf', archive, '-C', out])
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual([
      {
        Config: `${'c'.repeat(64)}.json`,
        RepoTags: ['docker.io/moby/buildkit:v1'],
        Layers: [`${'1'.repeat(64)}.layer`]
      }
    ])
    expect(readFileSync(join(out, `${'1'.repeat(64)}.layer`))).toEqual(Buffer.alloc(1024, 7))
  })

  it('refuses a name a ustar header cannot hold', () => {
    expect(() => tarHeader('x'.repeat(101), 1)).toThrow(/too long/)
    expect(tarHeader('a', 8).subarray(257, 262).toString()).toBe('ustar')
  })
})
