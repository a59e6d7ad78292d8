import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseHost } from '../../src/inputs/hosts.js'
import type { PlannedRegistry } from '../../src/model.js'
import type { Plan } from '../../src/plan/plan.js'
import type { PreflightResult } from '../../src/preflight/preflight.js'
import { writeSummary } from '../../src/steps/summary.js'

// The job summary written to a real GITHUB_STEP_SUMMARY file, as the runner gives it.
// @actions/core keeps the first path it is given, so the file is one for the whole file, emptied per test.

const TOML = '[registry."reg:5000"]\nhttp = true\n'
const summaryDir = mkdtempSync(join(tmpdir(), 'sbr-summary-'))
const summaryFile = join(summaryDir, 'step_summary')

function registry(text: string, mode: PlannedRegistry['mode'], written: string[]): PlannedRegistry {
  const transport = mode === 'http' ? 'http' : mode === 'insecure' ? 'insecure' : 'tls'
  return { host: parseHost(text, 'registries', 1), transport, mode, source: 'registries', line: 1, written, ca: '' }
}

function plan(registries: PlannedRegistry[]): Plan {
  return {
    builderName: 'builder-1',
    dir: '/runner/temp/job',
    jobId: 'job',
    configPath: '/runner/temp/job/buildkitd.toml',
    certsDir: '/runner/temp/job/certs',
    toml: TOML,
    writesConfig: true,
    topology: {
      sharesStepNetwork: false,
      findings: [],
      proxy: { driverOpts: [], builderEnv: {}, loopback: [], notes: [] },
      throughProxy: false,
      lookFromBuilder: false
    },
    files: [],
    registries,
    overridden: [],
    notes: [],
    tokenTrust: new Map()
  }
}

function result(host: string, ok: boolean, message: string, fix: string): PreflightResult {
  return { host, ok, kind: ok ? 'registry' : 'unknown-authority', message, fix, mode: 'tls', ms: 12 }
}

/** The summary's table rows, each a list of cell contents (HTML). */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map(row =>
    [...row[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map(cell => cell[1])
  )
}

describe('writeSummary', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY
  beforeEach(() => {
    writeFileSync(summaryFile, '')
    process.env.GITHUB_STEP_SUMMARY = summaryFile
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
    else process.env.GITHUB_STEP_SUMMARY = saved
  })

  it('shows one row per registry: what was written, what preflight found, and the fix', async () => {
    await writeSummary(
      plan([registry('reg:5000', 'http', ['http = true']), registry('tls.example.com', 'tls', ['ca'])]),
      [
        result('reg:5000', true, 'a registry answers over HTTP', ''),
        result('tls.example.com', false, 'certificate signed by unknown authority', 'set `ca-cert`')
      ],
      []
    )
    const html = readFileSync(summaryFile, 'utf8')
    expect(html).toMatch(/^<h3>BuildKit builder builder-1<\/h3>\n<table>/)
    expect(rows(html)).toEqual([
      ['registry', 'mode', 'written', 'preflight', 'fix'],
      ['reg:5000', 'http', 'http = true', '✅ a registry answers over HTTP', '—'],
      ['tls.example.com', 'tls', 'ca', '❌ certificate signed by unknown authority', 'set <code>ca-cert</code>']
    ])
  })

  it('a row per thing reclaimed from jobs that died without their post step, the job text escaped', async () => {
    await writeSummary(
      plan([]),
      undefined,
      [],
      [
        {
          what: 'builder b, its BuildKit container and state volume',
          job: 'run 7, job <b>',
          why: 'its runner process 9 is gone'
        },
        { what: 'Docker context setup-buildkit-registry-0123456789ab', job: '', why: 'the machine has rebooted since' }
      ]
    )
    const html = readFileSync(summaryFile, 'utf8')
    expect(html).toContain('<p>Reclaimed from earlier jobs that ended without their post step:</p>')
    expect(rows(html)).toEqual([
      ['reclaimed', 'left by', 'why that job is gone'],
      ['builder b, its BuildKit container and state volume', 'run 7, job &lt;b&gt;', 'its runner process 9 is gone'],
      ['Docker context setup-buildkit-registry-0123456789ab', '—', 'the machine has rebooted since']
    ])
  })

  it('nothing reclaimed: no such table', async () => {
    await writeSummary(plan([]), undefined, [])
    expect(readFileSync(summaryFile, 'utf8')).not.toContain('Reclaimed')
  })

  it('escapes HTML in every cell and note, and turns `code` into <code>', async () => {
    await writeSummary(
      plan([registry('reg:5000', 'tls', ['ca', 'keypair'])]),
      [
        result(
          'reg:5000',
          false,
          'the registry said <html><body>Forbidden & gone</body>',
          'write `reg:5000 http` & retry'
        )
      ],
      ['a note with <script>alert(1)</script> and `driver-opts`']
    )
    const html = readFileSync(summaryFile, 'utf8')
    expect(rows(html)[1]).toEqual([
      'reg:5000',
      'tls',
      'ca, keypair',
      '❌ the registry said &lt;html&gt;&lt;body&gt;Forbidden &amp; gone&lt;/body&gt;',
      'write <code>reg:5000 http</code> &amp; retry'
    ])
    expect(html).toContain(
      '<ul><li>a note with &lt;script&gt;alert(1)&lt;/script&gt; and <code>driver-opts</code></li></ul>'
    )
    expect(html).not.toContain('<script>')
  })

  it('keeps a body that ends the HTML block on one line: no Markdown after it, no command on a line of its own', async () => {
    const body = 'denied\n\n![pixel](https://evil.example/p.png)\n::error title=Forged::x'
    await writeSummary(plan([registry('reg:5000', 'tls', ['ca'])]), [result('reg:5000', false, body, '')], [body])
    const html = readFileSync(summaryFile, 'utf8')
    expect(rows(html)[1][3]).toBe('❌ denied\\n\\n![pixel](https://evil.example/p.png)\\n:\u200b:error title=Forged::x')
    // Only the summary's own lines: the table, the note list and the folded TOML, no blank line before the TOML.
    expect(html.split('\n').filter(line => line.includes('pixel'))).toHaveLength(2)
    expect(html).not.toMatch(/\n\n!\[pixel\]/)
  })

  it('says a registry was not checked when preflight is off', async () => {
    await writeSummary(plan([registry('reg:5000', 'insecure', ['insecure = true'])]), undefined, [])
    expect(rows(readFileSync(summaryFile, 'utf8'))[1]).toEqual([
      'reg:5000',
      'insecure',
      'insecure = true',
      'not checked (<code>preflight: off</code>)',
      '—'
    ])
  })

  it('says when there is nothing to show, and folds buildkitd.toml away below', async () => {
    await writeSummary(plan([]), [], [])
    const html = readFileSync(summaryFile, 'utf8')
    expect(html).not.toContain('<table>')
    expect(html).toContain('No registries or mirrors configured.')
    expect(html).toContain(`<details><summary>buildkitd.toml</summary>\n\n\`\`\`toml\n${TOML}\`\`\`\n\n</details>`)
  })

  it('adds to what earlier steps wrote, never replacing it', async () => {
    writeFileSync(summaryFile, '## An earlier step\n')
    await writeSummary(plan([]), [], [])
    expect(readFileSync(summaryFile, 'utf8')).toMatch(/^## An earlier step\n<h3>BuildKit builder builder-1<\/h3>/)
  })

  it('off a runner (no GITHUB_STEP_SUMMARY): writes no file and does not throw', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    const before = readdirSync(summaryDir)
    await expect(writeSummary(plan([registry('reg:5000', 'http', [])]), [], ['note'])).resolves.toBeUndefined()
    expect(readdirSync(summaryDir)).toEqual(before)
    expect(readFileSync(summaryFile, 'utf8')).toBe('')
  })
})
