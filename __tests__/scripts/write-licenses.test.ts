import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledPackageDirs, licenseEntry } from '../../scripts/write-licenses.mjs'

describe('bundledPackageDirs', () => {
  it('finds every package webpack bundled, in concatenated modules and chunks too, once each', () => {
    const stats = {
      modules: [
        { name: './src/index.ts' },
        {
          name: './node_modules/smol-toml/dist/index.js + 6 modules',
          modules: [{ name: './node_modules/smol-toml/dist/parse.js' }]
        },
        {
          name: './src/steps/main.ts + 40 modules',
          // @actions/core is ESM: webpack concatenates it into our own module, where ncc's plugin missed it.
          modules: [{ name: './node_modules/@actions/core/lib/core.js' }, { name: './src/model.ts' }]
        }
      ],
      chunks: [{ modules: [{ name: './node_modules/undici/lib/fetch/index.js' }] }]
    }
    expect(bundledPackageDirs(stats)).toEqual([
      'node_modules/@actions/core',
      'node_modules/smol-toml',
      'node_modules/undici'
    ])
  })

  it('keeps a nested copy of a package as a package of its own (it may be another version)', () => {
    const stats = {
      modules: [
        { name: './node_modules/semver/index.js' },
        { name: './node_modules/@actions/tool-cache/node_modules/semver/index.js' }
      ]
    }
    expect(bundledPackageDirs(stats)).toEqual([
      'node_modules/@actions/tool-cache/node_modules/semver',
      'node_modules/semver'
    ])
  })
})

describe('licenseEntry', () => {
  function packageDir(files: Record<string, string>): { project: string; dir: string } {
    const project = mkdtempSync(join(tmpdir(), 'licenses-'))
    const dir = 'node_modules/@scope/pkg'
    mkdirSync(join(project, dir), { recursive: true })
    for (const [name, content] of Object.entries(files)) writeFileSync(join(project, dir, name), content)
    return { project, dir }
  }

  it("writes the name, the declared license and the package's license text, as ncc's plugin did", () => {
    const { project, dir } = packageDir({
      'package.json': JSON.stringify({ name: '@scope/pkg', license: 'BSD-3-Clause' }),
      'LICENSE.md': 'Copyright (c) someone\n\nRedistribution ...\n'
    })
    expect(licenseEntry(project, dir)).toBe('@scope/pkg\nBSD-3-Clause\nCopyright (c) someone\n\nRedistribution ...\n')
  })

  it('fails, naming the package, when it ships no license file', () => {
    const { project, dir } = packageDir({ 'package.json': JSON.stringify({ name: '@scope/pkg', license: 'MIT' }) })
    expect(() => licenseEntry(project, dir)).toThrow(
      'node_modules/@scope/pkg has no LICENSE file: its license text cannot be shipped'
    )
  })
})
