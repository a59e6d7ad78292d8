import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILDKIT_IMAGE, buildContext, buildkitContainer } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { readImage } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'
import { containerExists } from './jobs.js'

// GitHub's own debugger, @github/local-action, running the action from src/ as docs/development.md
// shows: `local-action run . src/main.ts .env --post src/post.ts`, with its own @actions/core
// in place of ours. It runs main, then post, in one process, and keeps saved state in memory: no
// step can run between the two, and a second run cannot read the first's state. So the builder's
// push is checked on a builder kept with `cleanup: false`, and removal on a run with the default.

const REPO = fileURLToPath(new URL('../..', import.meta.url))
/** The binary `npx local-action` runs: the pinned devDependency. */
const LOCAL_ACTION = join(REPO, 'node_modules', '.bin', 'local-action')
const PASSWORD = `sbr-local-action-${randomBytes(6).toString('hex')}`
/** Below jest's 120 s per test: a hung run fails the test with its output. */
const RUN_TIMEOUT_MS = 90000

interface LocalActionRun {
  status: number | null
  stdout: string
  stderr: string
  /** What each step logged: the text under local-action's "Running Action" and "Running Post Step" banners. */
  main: string
  post: string
  /** The outputs main set (`::set-output name=NAME::VALUE`, the stand-in's log of setOutput), single-line ones. */
  outputs: Record<string, string>
  dockerConfig: string
  /** RUNNER_TEMP of the run: the job directory goes there. */
  runnerTemp: string
}

let pki: TestPki
const servers: RunningServer[] = []
/** The builders the runs were named to create: removed in afterAll if a test stops before post or its own removal. */
const builders = new Set<string>()
const scratch: string[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki()
})

afterAll(async () => {
  for (const builder of builders) {
    if (!containerExists(builder)) continue
    spawnSync('docker', ['rm', '-f', buildkitContainer(builder)], { stdio: 'ignore' })
    spawnSync('docker', ['volume', 'rm', `${buildkitContainer(builder)}_state`], { stdio: 'ignore' })
  }
  await Promise.all(servers.map(server => server.stop()))
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  scratch.push(dir)
  return dir
}

/** The .env file local-action reads: one `INPUT_NAME="value"` per input, as the runner names them. */
function writeDotenv(inputs: Record<string, string>): string {
  const lines = Object.entries(inputs).map(([name, value]) => {
    // Double quotes keep a PEM's line breaks; nothing here needs a quote or a backslash escaped.
    if (/["\\]/.test(value)) throw new Error(`input ${name}: no quotes or backslashes in a test value`)
    return `INPUT_${name.toUpperCase()}="${value}"`
  })
  const path = join(tempDir('sbr-local-action-env-'), '.env')
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 })
  return path
}

/** What local-action printed between two of its section banners (a title between two rules of `=`). */
function section(stdout: string, title: string, next: string): string {
  const banner = (text: string): string => `=+\\n *${text}\\n=+\\n`
  const text = new RegExp(`${banner(title)}([\\s\\S]*?)${banner(next)}`).exec(stdout)?.[1]
  if (text === undefined) throw new Error(`no "${title}" section before "${next}" in:\n${stdout}`)
  return text
}

/** `npx local-action run . src/main.ts .env --post src/post.ts` in the repository, from a shell-like environment. */
function runLocalAction(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<LocalActionRun> {
  const dotenv = writeDotenv(inputs)
  if (inputs.name) builders.add(inputs.name)
  const dockerConfig = newDockerConfig()
  scratch.push(dockerConfig)
  const runnerTemp = tempDir('sbr-local-action-runner-temp-')
  // What a shell would pass: none of the test runner's variables, the runner's or jest's.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|NODE_OPTIONS$|JEST_)/.test(key))
  )
  const child = spawn(LOCAL_ACTION, ['run', '.', 'src/main.ts', dotenv, '--post', 'src/post.ts'], {
    cwd: REPO,
    env: { ...inherited, DOCKER_CONFIG: dockerConfig, RUNNER_TEMP: runnerTemp, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  // A hung run is stopped whole (npm exec, tsx, buildx): the group is its own.
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), RUN_TIMEOUT_MS)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', status => {
      clearTimeout(timer)
      try {
        const main = section(stdout, 'Running Action', 'Running Post Step')
        const post = section(stdout, 'Running Post Step', 'Action Outputs')
        const outputs = Object.fromEntries(
          [...main.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map(m => [m[1], m[2]])
        )
        resolve({ status, stdout, stderr, main, post, outputs, dockerConfig, runnerTemp })
      } catch (error) {
        // local-action stopped before its last banner (an entry without run(), a crash): show why.
        reject(new Error(`${(error as Error).message}\nstderr:\n${stderr}`))
      }
    })
  })
}

/** local-action's stand-in for setFailed logs `::error::` and leaves the exit code 0: both are checked. */
function expectSucceeded(run: LocalActionRun): void {
  if (run.status !== 0 || run.stdout.includes('::error::'))
    throw new Error(`local-action: exit ${run.status}:\n${run.stdout}\nstderr:\n${run.stderr}`)
}

async function tlsRegistry(options: Parameters<typeof startRegistry>[0] = {}): Promise<RunningServer> {
  const server = await startRegistry({ tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }, ...options })
  servers.push(server)
  return server
}

describe("GitHub's local-action runs the action from src/", () => {
  it('main: a builder pushing to a private-CA registry; post, from the state, keeps it (cleanup: false)', async () => {
    const registry = await tlsRegistry()
    const host = `localhost:${registry.port}`
    const name = `sbr-la-kept-${randomBytes(4).toString('hex')}`
    const run = await runLocalAction({
      registries: host,
      'ca-cert': pki.caCert,
      name,
      cleanup: 'false',
      'driver-opts': `image=${BUILDKIT_IMAGE}`
    })
    try {
      expectSucceeded(run)
      expect(run.outputs).toMatchObject({ name, driver: 'docker-container', status: 'running' })
      expect(run.main).toContain(`[registry."${host}"]`)
      expect(run.main).toContain(`Builder ${name} is ready and is now the default for docker buildx.`)
      // Post knows the builder and the job directory from main's saved state alone.
      expect(run.post).toContain(`Keeping builder ${name} (cleanup: false).`)
      expect(run.post).toContain(`Removed ${run.outputs['config-dir']} (buildkitd.toml and certificate files).`)
      expect(existsSync(run.outputs['config-dir'])).toBe(false)

      // The builder main made, still up: a push through it reaches the registry, read back there.
      const context = buildContext()
      const push = docker(run.dockerConfig, [
        'buildx',
        'build',
        '--builder',
        name,
        '--push',
        '-t',
        `${host}/sbr/la:1`,
        context.dir
      ])
      expect(push).toMatchObject({ status: 0 })
      const image = await readImage({ host, tls: true, ca: pki.caCert }, 'sbr/la', '1')
      expect(image.layers).toContain(context.marker)
      rmSync(context.dir, { recursive: true, force: true })
    } finally {
      docker(run.dockerConfig, ['buildx', 'rm', name])
    }
    expect(containerExists(name)).toBe(false)
  })

  it('main: the job summary; post: builder, container, files and credentials gone; no password shown', async () => {
    const registry = await tlsRegistry({ htpasswd: { user: 'ci', password: PASSWORD } })
    const host = `localhost:${registry.port}`
    const name = `sbr-la-${randomBytes(4).toString('hex')}`
    const summary = join(tempDir('sbr-local-action-summary-'), 'summary.md')
    const run = await runLocalAction(
      {
        registries: host,
        'ca-cert': pki.caCert,
        username: 'ci',
        password: PASSWORD,
        name,
        'driver-opts': `image=${BUILDKIT_IMAGE}`
      },
      { GITHUB_STEP_SUMMARY: summary }
    )
    expectSucceeded(run)
    // The stand-in's core.summary writes where GITHUB_STEP_SUMMARY says; preflight got in with the password.
    const written = readFileSync(summary, 'utf8')
    expect(written).toContain(`<h3>BuildKit builder ${name}</h3>`)
    expect(written).toMatch(new RegExp(`<tr><td>${host}</td><td>tls</td><td>[^<]*</td><td>✅ `))
    expect(run.stdout + run.stderr).not.toContain(PASSWORD)
    expect(run.outputs).toMatchObject({ name, driver: 'docker-container', status: 'running' })
    const jobDir = run.outputs['config-dir']
    expect(jobDir.startsWith(run.runnerTemp)).toBe(true)
    // The stand-in's exportVariable sets local-action's own environment (unprinted); post points it back.
    expect(run.main).toContain(`Exported SSL_CERT_FILE=${jobDir}/ca-bundle.pem for later steps`)
    expect(run.post).toMatch(/For the steps after this one: SSL_CERT_FILE=\S*, as before the job\./)
    expect(run.post).toContain(`Removed builder ${name}.`)
    expect(run.post).toContain(`Removed ${jobDir} (buildkitd.toml and certificate files).`)
    expect(run.post).not.toContain('::warning::')

    expect(docker(run.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(name)
    expect(containerExists(name)).toBe(false)
    expect(readdirSync(run.runnerTemp)).toEqual([])
    // The credentials main wrote for the registry went with post.
    const clientConfig = join(run.dockerConfig, 'config.json')
    expect(existsSync(clientConfig) ? readFileSync(clientConfig, 'utf8') : '').not.toContain(host)
  })

  it('bad input: one error before anything is made, naming input and line; a secret in it shows as ****', async () => {
    // A password pasted onto the `registries` line by mistake: the error quotes the line, the stand-in masks it.
    const name = `sbr-la-bad-${randomBytes(4).toString('hex')}`
    const run = await runLocalAction({
      registries: `localhost:5000 ${PASSWORD}`,
      username: 'ci',
      password: PASSWORD,
      name
    })
    // local-action ends 0 after a failed step: the failure is the one `::error::` line.
    expect(run.status).toBe(0)
    expect(run.main.match(/^::error::.*$/gm)).toEqual([
      "::error::Input 'registries', line 1: unknown option '****'. " +
        'Fix: use `http` (plain HTTP), `insecure` (TLS without verification) or `ca=PATH`'
    ])
    expect(run.stdout + run.stderr).not.toContain(PASSWORD)
    expect(run.post.trim()).toBe('')
    expect(run.outputs).toEqual({})
    expect(docker(run.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(name)
    expect(readdirSync(run.runnerTemp)).toEqual([])
  })
})
