import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// Just enough Markdown for the docs' own tests: headings and their GitHub anchors, links, tables.
// Fenced code blocks and inline code hold examples, never links or headings.

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** README.md, CHANGELOG.md and every page under docs/, as paths relative to the repository. */
export function markdownFiles(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory() ? under(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []
    )
  return ['README.md', 'CHANGELOG.md', ...under('docs')]
}

/** The TypeScript files under a folder of the repository, as paths relative to it. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )
}

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8')
}

/** The lines outside fenced code blocks, with their 1-based numbers. */
export function proseLines(text: string): { line: number; text: string }[] {
  let fenced = false
  return text.split('\n').flatMap((line, index) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced
      return []
    }
    return fenced ? [] : [{ line: index + 1, text: line }]
  })
}

const withoutCode = (line: string): string => line.replace(/(`+)(.+?)\1/g, '')

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Every anchor a page has: its headings' (a repeated one gets -1, -2, … as on GitHub). */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (!heading) continue
    const slug = githubSlug(heading[1])
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

export interface Link {
  line: number
  target: string
}

/** The Markdown links of a page, outside code. */
export function linksOf(text: string): Link[] {
  return proseLines(text).flatMap(({ line, text: prose }) =>
    [...withoutCode(prose).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(match => ({ line, target: match[1] }))
  )
}

/** The rows of the nth table (0: the first) after a heading, as cells, without the header and separator rows. */
export function tableAfter(text: string, heading: string, nth = 0): string[][] {
  const lines = proseLines(text).map(line => line.text)
  const start = lines.indexOf(heading)
  if (start < 0) throw new Error(`no heading '${heading}'`)
  const starts = lines.flatMap((line, index) =>
    index > start && line.startsWith('|') && !lines[index - 1].startsWith('|') ? [index] : []
  )
  const rows: string[][] = []
  for (let index = starts[nth] + 2; index < lines.length && lines[index].startsWith('|'); index++)
    rows.push(cellsOf(lines[index]))
  return rows
}

/** The names a table's first cell gives in backticks (`username`, `password` is two). */
export function namesIn(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map(match => match[1])
}

/** A table row's cells: split at the pipes that are not escaped (`\\|` is a pipe inside a cell). */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim())
}
