import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// The pipeline reads from the tree: each stage imports only the stages before
// it, so dependencies run one way and there is no import cycle to untangle.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

/** What each part of src/ may import of ours. */
const ALLOWED: Record<string, string[]> = {
  'model.ts': [],
  'paths.ts': [],
  // The one reader of the Docker client config: what docker and buildx read there.
  'docker-client-config.ts': ['model.ts', 'paths.ts'],
  // Go's proxy rules: a pure leaf, read by the inputs (masking), the plan and preflight alike.
  'proxy.ts': ['model.ts', 'go-net.ts'],
  // Go's net package (host:port, IPs, CIDRs) as the proxy rules use it: a pure leaf.
  'go-net.ts': [],
  // Text from the network or another process, made safe to print: a pure leaf every stage may use.
  'untrusted-text.ts': [],
  // node:crypto loaded on first use, and random names without it: a leaf every stage may use.
  'crypto.ts': [],
  // What the bundle runs in @actions/core's place (tsconfig.bundle.json), which no file imports.
  'actions-core.ts': ['crypto.ts'],
  // The one wait (polls, backoffs): a leaf the host, the registry client and the steps share.
  'sleep.ts': [],
  // What differs by buildx driver (the capability table): a pure leaf every stage may read.
  'driver.ts': [],
  // An image reference as Docker reads it: a pure leaf for the builder image's plan, the steps and the merge.
  'image-reference.ts': [],
  // The runner's topology (where the builder runs, how it reaches the registries), derived from
  // the builder's inputs and the runner's facts: pure, below the plan, preflight and the steps.
  topology: ['driver.ts', 'model.ts', 'proxy.ts'],
  inputs: [
    'crypto.ts',
    'driver.ts',
    'model.ts',
    'paths.ts',
    'docker-client-config.ts',
    'proxy.ts',
    'untrusted-text.ts'
  ],
  plan: [
    'crypto.ts',
    'driver.ts',
    'model.ts',
    'image-reference.ts',
    'inputs',
    'topology',
    'proxy.ts',
    'untrusted-text.ts'
  ],
  // One client for registries (connect, TLS, proxy route, send, challenge and token, image pull):
  // below everything that talks to a registry, above the nouns it carries.
  'registry-client': ['crypto.ts', 'model.ts', 'proxy.ts', 'untrusted-text.ts', 'sleep.ts'],
  // Probing for a diagnosis, through the registry client, and the pure diagnosis.
  preflight: ['model.ts', 'topology', 'proxy.ts', 'untrusted-text.ts', 'registry-client'],
  // The plan's nouns that host/ acts on live in model.ts: host/ never reads plan/. The one error
  // type for bad input is the inputs' (a builder name that is taken).
  // host/ reads the runner's facts into the topology's own types (topology/facts.ts).
  host: [
    'crypto.ts',
    'driver.ts',
    'topology',
    'model.ts',
    'paths.ts',
    'docker-client-config.ts',
    'inputs',
    'proxy.ts',
    'untrusted-text.ts',
    'sleep.ts'
  ],
  steps: [
    'driver.ts',
    'image-reference.ts',
    'model.ts',
    'paths.ts',
    'docker-client-config.ts',
    'inputs',
    'plan',
    'topology',
    'preflight',
    'registry-client',
    'host',
    'proxy.ts',
    'untrusted-text.ts',
    'sleep.ts'
  ],
  // The steps' entry points (actions/typescript-action's `run()`), which local-action imports too.
  'main.ts': ['steps'],
  'post.ts': ['steps'],
  // The bundles' entries: main's (dist/index.js) and post's (dist/post/index.js).
  'index.ts': ['main.ts'],
  'post-index.ts': ['post.ts'],
  // The `merge` sub-action's entry (merge/action.yml): a step of its own, which nothing imports.
  merge: [
    'crypto.ts',
    'image-reference.ts',
    'model.ts',
    'paths.ts',
    'docker-client-config.ts',
    'inputs',
    'proxy.ts',
    'untrusted-text.ts',
    'registry-client',
    'host'
  ]
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )
}

/** Every relative import of each file, as a path under src/. */
function importGraph(): Map<string, string[]> {
  return new Map(
    sourceFiles(SRC).map(file => {
      const imports = [...readFileSync(file, 'utf8').matchAll(/(?:from|import\() '(\.{1,2}\/[^']+)\.js'/g)].map(match =>
        relative(SRC, resolve(dirname(file), `${match[1]}.ts`))
      )
      return [relative(SRC, file), imports]
    })
  )
}

const partOf = (path: string): string => path.split('/')[0]

describe('src/ layers', () => {
  const graph = importGraph()

  it('import only the stages before them', () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      imports
        .filter(target => partOf(target) !== partOf(file) && !ALLOWED[partOf(file)]?.includes(partOf(target)))
        .map(target => `${file} -> ${target}`)
    )
    expect(wrong).toEqual([])
  })

  it('have no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'visiting' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      state.set(file, 'visiting')
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'visiting')
          cycles.push([...path.slice(path.indexOf(target)), file, target].join(' -> '))
        else if (!state.has(target)) visit(target, [...path, file])
      }
      state.set(file, 'done')
    }
    for (const file of graph.keys()) if (!state.has(file)) visit(file, [])
    expect(cycles).toEqual([])
  })

  it('leave the merge entry a step of its own: nothing outside merge/ imports it', () => {
    const importers = [...graph]
      .filter(([file, imports]) => partOf(file) !== 'merge' && imports.some(target => partOf(target) === 'merge'))
      .map(([file]) => file)
    expect(importers).toEqual([])
  })
})
