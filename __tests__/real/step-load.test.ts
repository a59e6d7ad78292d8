import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUNDLE, newJob, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'

// A step loads only the code it runs (tsconfig.bundle.json, src/actions-core.ts): main and post of a
// job that boots a builder never load undici or @actions/http-client, which @actions/core's OIDC
// client brought into every step. Only installing buildx (tool-cache) loads them.

/** Text only a chunk holding undici or @actions/http-client has: undici's channel names, the client's user agent. */
const HTTP_CLIENT = /undici:request:|actions\/http-client/

const dist = dirname(BUNDLE)
const dir = mkdtempSync(join(tmpdir(), 'sbr-step-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Records each file a step's node loads as a module, in `list` (module.registerHooks, Node 22.15+). */
function recordingLoads(list: string): string {
  const hook = join(dir, 'record-loads.mjs')
  writeFileSync(
    hook,
    [
      "import { registerHooks } from 'node:module'",
      "import { appendFileSync } from 'node:fs'",
      'registerHooks({ load(url, context, nextLoad) {',
      `  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(list)}, url + '\\n')`,
      '  return nextLoad(url, context)',
      '} })',
      ''
    ].join('\n')
  )
  return `--import ${hook}`
}

const loaded = (list: string): string[] =>
  readFileSync(list, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(url => fileURLToPath(url))

it("a job's main and post load no HTTP client: only installing buildx does", async () => {
  const chunks = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(file => file.endsWith('.js'))
  // The bundle holds them (tool-cache's chunk): the check below can fail.
  const withClient = chunks.filter(file => HTTP_CLIENT.test(readFileSync(join(dist, file), 'utf8')))
  expect(withClient.length).toBeGreaterThan(0)

  const list = join(dir, 'loaded.txt')
  writeFileSync(list, '')
  const job = newJob({ NODE_OPTIONS: recordingLoads(list) })
  const main = await runMain(job, { 'driver-opts': bootDriverOpts() })
  const post = await runPost(job, main.state)
  expect(main.exitCode).toBe(0)
  expect(main.outputs.name).toMatch(/^buildkit-/)
  expect(post.exitCode).toBe(0)
  const files = loaded(list)
  expect(files).toContain(BUNDLE)
  expect(files.filter(file => HTTP_CLIENT.test(readFileSync(file, 'utf8')))).toEqual([])
})
