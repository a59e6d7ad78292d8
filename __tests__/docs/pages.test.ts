import { markdownFiles, proseLines, readRepoFile } from './markdown.js'

// The README is the front page; every other page says first whom it is for, so a reader knows at
// once whether to read on.

describe('the docs pages', () => {
  it('README.md is a front page of at most 350 lines', () => {
    expect(readRepoFile('README.md').trimEnd().split('\n').length).toBeLessThanOrEqual(350)
  })

  it.each(markdownFiles().filter(file => file.startsWith('docs/')))('%s opens with whom it is for', file => {
    const first = proseLines(readRepoFile(file)).find(({ text }) => text.trim() !== '' && !text.startsWith('#'))
    expect(first?.text).toMatch(/^For [a-z]/)
  })

  it('docs/topologies/README.md links every topology page beside it', () => {
    const index = readRepoFile('docs/topologies/README.md')
    const pages = markdownFiles()
      .filter(file => file.startsWith('docs/topologies/') && file !== 'docs/topologies/README.md')
      .map(file => file.slice('docs/topologies/'.length))
    expect(pages.length).toBeGreaterThan(4)
    expect(pages.filter(page => !index.includes(`](${page})`))).toEqual([])
  })
})
