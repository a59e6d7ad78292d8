import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { anchorsOf, linksOf, markdownFiles, readRepoFile, ROOT } from './markdown.js'

// A user who follows a link in the README or the docs lands where it says, on GitHub as in a clone.

/** Where a relative link leads, or why it leads nowhere. */
function brokenTarget(from: string, target: string): string | undefined {
  const [path, anchor] = target.split('#', 2) as [string, string | undefined]
  const file = path === '' ? from : normalize(join(dirname(from), path))
  if (file.startsWith('..')) return `leaves the repository (${file})`
  if (!existsSync(join(ROOT, file))) return `${file} does not exist`
  if (anchor === undefined) return undefined
  if (statSync(join(ROOT, file)).isDirectory() || !file.endsWith('.md')) return `an anchor into ${file}, not a page`
  return anchorsOf(readRepoFile(file)).has(anchor) ? undefined : `${file} has no heading #${anchor}`
}

describe('links in README.md, CHANGELOG.md and docs/', () => {
  const files = markdownFiles()

  it('finds the pages', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/trust.md', 'docs/topologies/README.md']))
  })

  it.each(files)('%s: every relative link and #anchor resolves', file => {
    const broken = linksOf(readRepoFile(file))
      .filter(link => !/^[a-z][a-z0-9+.-]*:/i.test(link.target))
      .flatMap(link => {
        const why = brokenTarget(file, link.target)
        return why ? [`line ${link.line}: (${link.target}): ${why}`] : []
      })
    expect(broken).toEqual([])
  })
})

describe('pointers to the docs from code and action.yml', () => {
  // Error messages, comments and input descriptions that name a page or a section must not go stale.
  const sources = ['action.yml', 'merge/action.yml', 'src', 'scripts', '.github', '.ci']
  const pointer = /(?<![\w/.-])((?:docs\/[\w/.-]+\.md|README\.md|CHANGELOG\.md))(?:#([\w-]+))?/g

  function filesUnder(path: string): string[] {
    const full = join(ROOT, path)
    if (!existsSync(full)) return []
    if (!statSync(full).isDirectory()) return [path]
    return readdirSync(full).flatMap(name =>
      name === 'node_modules' || name === 'docs' ? [] : filesUnder(join(path, name))
    )
  }

  it('every docs/…md, README.md and CHANGELOG.md they name, with its #anchor, exists', () => {
    const broken = sources.flatMap(filesUnder).flatMap(file =>
      [...readRepoFile(file).matchAll(pointer)].flatMap(match => {
        const why = brokenTarget('README.md', match[2] ? `${match[1]}#${match[2]}` : match[1])
        return why ? [`${file}: ${match[0]}: ${why}`] : []
      })
    )
    expect(broken).toEqual([])
  })
})
