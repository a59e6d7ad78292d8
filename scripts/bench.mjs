// npm run bench: the action's main and post steps against bare buildx with the
// same config, on this machine, with builders that really boot.
//
// Each round runs, in a rotating order, the action's job twice (its step without an `id:`, whose
// outputs nothing can read, and with one, whose outputs main looks up) and bare buildx twice:
//   main  ~ `docker buildx create --config … --bootstrap` (same arguments as the action's),
//           and for a step with an id also ~ that plus `DEBUG=1 docker buildx inspect` (its outputs)
//   post  ~ `docker buildx rm`
// The action runs as a runner runs it (scripts/github-runner.mjs: a new node
// process per step, INPUT_* / STATE_* variables, command files). It prints the
// median of each, the median of the per-round ratios, and the bundle's size.
// Then preflight against 10 registries, 1 black-holed (goal: timeout + 0.5 s).
//
// BUILDKIT_IMAGE: the BuildKit image to boot (default moby/buildkit:buildx-stable-1;
// machines without a registry load one, e.g. local/buildkit:v0.20.2).
// BENCH_RUNS: rounds (default 15).
// SETUP_BUILDX_ACTION_DIR: a checkout of docker/setup-buildx-action (it commits its bundle,
// dist/index.cjs); when set, its main and post steps run as a side of their own, through the same
// runner emulator, with the same image, config, flags and network, and every input default of its
// action.yml (as a runner passes them). Not part of this repository: clone it yourself.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import yaml from 'js-yaml'
import { BUNDLE, newJob, runMain, runPost, startJobWorker, STEP_NODE } from './github-runner.mjs'

// Every temporary directory of the run (the jobs' too: newJob uses tmpdir()) under one, removed at the end.
const benchDir = mkdtempSync(join(tmpdir(), 'sbr-bench-'))
process.env.TMPDIR = benchDir
process.on('exit', () => rmSync(benchDir, { recursive: true, force: true }))

const RUNS = Number(process.env.BENCH_RUNS || 15)
const IMAGE = process.env.BUILDKIT_IMAGE || 'moby/buildkit:buildx-stable-1'
const FLAGS = '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host'
const dockerConfig = mkdtempSync(join(tmpdir(), 'sbr-bench-docker-'))
const env = { ...process.env, DOCKER_CONFIG: dockerConfig }

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** `node -e 0` with `nodeEnv`, the median of 11 starts, of the node that starts the steps. */
function nodeStart(nodeEnv) {
  const times = Array.from({ length: 11 }, () => {
    const started = performance.now()
    spawnSync(STEP_NODE, ['-e', '0'], { env: nodeEnv })
    return performance.now() - started
  })
  return median(times)
}

// This machine sets NODE_EXTRA_CA_CERTS, with which node reads that whole CA bundle at every start.
// GitHub's hosted runners do not set it: the steps run without it, as there, and the cost is printed.
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS
delete process.env.NODE_EXTRA_CA_CERTS
const stepNodeVersion = spawnSync(STEP_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()
const nodeStartLine = extraCaCerts
  ? `node ${stepNodeVersion} start (node -e 0): ${nodeStart(process.env).toFixed(0)} ms; ${nodeStart({ ...process.env, NODE_EXTRA_CA_CERTS: extraCaCerts }).toFixed(0)} ms with this machine's NODE_EXTRA_CA_CERTS, which the steps above ran without (GitHub's hosted runners do not set it)`
  : `node ${stepNodeVersion} start (node -e 0): ${nodeStart(process.env).toFixed(0)} ms`
const timed = (command, args, extraEnv = {}) => {
  const started = performance.now()
  const result = spawnSync(command, args, { env: { ...env, ...extraEnv }, stdio: 'pipe' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
  return performance.now() - started
}

/** A free loopback port: bind to 0, read it, release it. */
async function freePort() {
  const server = createServer()
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise(resolve => server.close(resolve))
  return port
}

// Not left running when the bench stops on an error.
const registryProcesses = []
process.on('exit', () => registryProcesses.forEach(child => child.kill()))

/** Debian's docker-registry on a loopback port, plain HTTP. */
async function startRegistry() {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-bench-registry-'))
  const port = await freePort()
  const config = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') } },
    http: { addr: `127.0.0.1:${port}` }
  }
  writeFileSync(join(dir, 'config.yml'), JSON.stringify(config))
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' })
  registryProcesses.push(child)
  for (let tries = 0; tries < 200; tries++) {
    const up = await new Promise(resolve =>
      connect(port, '127.0.0.1')
        .once('connect', function () {
          this.destroy()
          resolve(true)
        })
        .once('error', () => resolve(false))
    )
    if (up) return { port, stop: () => child.kill() }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('docker-registry did not start')
}

function bundleBytes() {
  const dist = join(BUNDLE, '..')
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.js'))
    .reduce((sum, file) => sum + statSync(join(dist, file)).size, 0)
}

// The action's defaults (preflight: warn, bootstrap: true), two registries that answer.
const registries = await Promise.all([startRegistry(), startRegistry()])
const inputs = {
  registries: `127.0.0.1:${registries[0].port} http\nlocalhost:${registries[1].port} http`,
  'max-parallelism': '4',
  'driver-opts': `image=${IMAGE}`
}

// The bare side uses the very config the action generates (copied before post removes it).
const configDir = mkdtempSync(join(tmpdir(), 'sbr-bench-config-'))
{
  const job = newJob({ DOCKER_CONFIG: dockerConfig })
  const main = await runMain(job, { ...inputs, bootstrap: 'false', preflight: 'off' })
  if (main.exitCode !== 0) throw new Error(main.log)
  cpSync(main.outputs['config-dir'], configDir, { recursive: true })
  await runPost(job, main.state, inputs)
}
const bareCreate = name => [
  'buildx',
  'create',
  '--name',
  name,
  '--driver',
  'docker-container',
  '--config',
  join(configDir, 'buildkitd.toml'),
  '--driver-opt',
  `image=${IMAGE}`,
  '--driver-opt',
  'network=host',
  '--buildkitd-flags',
  FLAGS,
  '--bootstrap',
  '--use'
]

/** What `docker buildx inspect` says the bare builder supports: the action's `platforms` output must say the same. */
let inspectedPlatforms

/**
 * One job: main then post. `withId`: the step has an `id:`, so later steps can read its outputs and
 * main runs `buildx inspect` for them; without one (GITHUB_ACTION `__…`), nothing can read them.
 */
async function actionRound(withId) {
  const job = newJob({ DOCKER_CONFIG: dockerConfig })
  // Not timed: a runner's job worker is up before the job's first step.
  await startJobWorker(job)
  const main = await runMain(job, inputs, { withoutId: !withId })
  if (main.exitCode !== 0 || main.log.includes('::warning')) throw new Error(main.log)
  const expected = withId ? inspectedPlatforms : undefined
  if (inspectedPlatforms !== undefined && main.outputs.platforms !== expected)
    throw new Error(`platforms: ${main.outputs.platforms}, expected ${expected}`)
  const post = await runPost(job, main.state, inputs)
  if (post.exitCode !== 0) throw new Error(post.log)
  return { main: main.ms, post: post.ms }
}

/**
 * Bare buildx: create and rm. `withInspect`: with `DEBUG=1 docker buildx inspect` between them, which
 * gives what the action's outputs hold, timed as part of main (what a step with an `id:` does too).
 * The rm is timed the same way on both: right after the step before it, as post follows main.
 */
function bareRound(round, withInspect) {
  const name = `sbr-bench-bare-${process.pid}-${round}-${withInspect ? 'inspect' : 'plain'}`
  let main = timed('docker', bareCreate(name))
  if (withInspect) main += timed('docker', ['buildx', 'inspect', name], { DEBUG: '1' })
  return { main, post: timed('docker', ['buildx', 'rm', name]) }
}

const theirDir = process.env.SETUP_BUILDX_ACTION_DIR

/** docker/setup-buildx-action's inputs: its action.yml defaults, then the same work as ours. */
function theirInputs() {
  const action = yaml.load(readFileSync(join(theirDir, 'action.yml'), 'utf8'))
  const defaults = Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)])
  )
  return {
    ...defaults,
    'driver-opts': `image=${IMAGE}\nnetwork=host`,
    'buildkitd-config': join(configDir, 'buildkitd.toml'),
    'buildkitd-flags': FLAGS
  }
}

/** One job of docker/setup-buildx-action: main then post (it tells them apart by its saved state). */
async function theirRound() {
  const job = newJob({ DOCKER_CONFIG: dockerConfig })
  const bundle = join(theirDir, 'dist', 'index.cjs')
  job.action = { ...job.action, main: bundle, post: bundle }
  await startJobWorker(job)
  const inputs = theirInputs()
  const main = await runMain(job, inputs, { withoutId: true })
  if (main.exitCode !== 0) throw new Error(main.log)
  const post = await runPost(job, main.state, inputs)
  if (post.exitCode !== 0) throw new Error(post.log)
  return { main: main.ms, post: post.ms }
}

// One warm-up round each (image and page caches), not counted.
{
  const name = `sbr-bench-bare-${process.pid}-warmup`
  timed('docker', bareCreate(name))
  const inspect = spawnSync('docker', ['buildx', 'inspect', name], { env, encoding: 'utf8' }).stdout
  inspectedPlatforms = (/^Platforms:[ \t]*(.*)$/m.exec(inspect)?.[1] ?? '')
    .split(',')
    .map(platform => platform.trim().replace(/\*$/, ''))
    .filter(Boolean)
    .join(',')
  timed('docker', ['buildx', 'rm', name])
  await actionRound(true)
  await actionRound(false)
  if (theirDir) await theirRound()
}
const sides = {
  noId: { label: 'action, step without `id:`', rounds: [], run: () => actionRound(false) },
  withId: { label: 'action, step with `id:`', rounds: [], run: () => actionRound(true) },
  bare: { label: 'bare buildx', rounds: [], run: round => bareRound(round, false) },
  bareInspect: { label: 'bare buildx + inspect', rounds: [], run: round => bareRound(round, true) }
}
// Each round runs the four in another order (rotating), so that no side always runs after the same one.
if (theirDir) sides.theirs = { label: 'docker/setup-buildx-action', rounds: [], run: () => theirRound() }
const order = [sides.noId, sides.withId, sides.bare, sides.bareInspect, ...(theirDir ? [sides.theirs] : [])]
for (let round = 0; round < RUNS; round++) {
  for (let i = 0; i < order.length; i++) {
    const side = order[(round + i) % order.length]
    side.rounds.push(await side.run(round))
  }
}

const parts = [
  ['main', run => run.main],
  ['post', run => run.post],
  ['main + post', run => run.main + run.post]
]
const ratio = (side, base, of) => median(side.rounds.map((run, round) => of(run) / of(base.rounds[round]))).toFixed(2)
const ms = (side, of) => median(side.rounds.map(of)).toFixed(0)
console.log(
  `${RUNS} interleaved rounds, builders booting ${IMAGE}; medians (ms), and the medians of the per-round ratios to bare buildx:`
)
console.log(`| step | ${order.map(side => side.label).join(' | ')} |`)
console.log(`|---|${order.map(() => '---|').join('')}`)
for (const [what, of] of parts) {
  const cells = [
    `${ms(sides.noId, of)} (${ratio(sides.noId, sides.bare, of)}x)`,
    // With an id, main also does what bare buildx does with the inspect: the ratio to both.
    `${ms(sides.withId, of)} (${ratio(sides.withId, sides.bare, of)}x; ${ratio(sides.withId, sides.bareInspect, of)}x of bare + inspect)`,
    ms(sides.bare, of),
    ms(sides.bareInspect, of),
    // Theirs, and ours (a step without an `id:`) as a share of theirs.
    ...(theirDir ? [`${ms(sides.theirs, of)} (ours: ${ratio(sides.noId, sides.theirs, of)}x)`] : [])
  ]
  console.log(`| ${what} | ${cells.join(' | ')} |`)
}
console.log(nodeStartLine)
console.log(`bundle: ${(bundleBytes() / 1024 / 1024).toFixed(2)} MB (all of dist/*.js)`)
for (const registry of registries) registry.stop()

if (process.env.BENCH_PREFLIGHT !== '0') {
  const PREFLIGHT_TIMEOUT = 2
  const up = await Promise.all(Array.from({ length: 9 }, startRegistry))
  const held = []
  const blackhole = createServer(socket => held.push(socket))
  await new Promise(resolve => blackhole.listen(0, '127.0.0.1', resolve))
  const preflightInputs = {
    registries: [
      ...up.map(registry => `127.0.0.1:${registry.port} http`),
      `127.0.0.1:${blackhole.address().port}`
    ].join('\n'),
    'preflight-timeout': String(PREFLIGHT_TIMEOUT),
    bootstrap: 'false'
  }
  const slowest = []
  for (let run = 0; run < 3; run++) {
    const job = newJob({ DOCKER_CONFIG: dockerConfig })
    const main = await runMain(job, preflightInputs)
    if (main.exitCode !== 0) throw new Error(main.log)
    const results = JSON.parse(main.outputs.preflight)
    if (results.filter(result => !result.ok).length !== 1)
      throw new Error(`expected one failure: ${main.outputs.preflight}`)
    slowest.push(Math.max(...results.map(result => result.ms)))
    await runPost(job, main.state)
  }
  for (const registry of up) registry.stop()
  for (const socket of held) socket.destroy()
  blackhole.close()
  console.log(
    `preflight, 10 registries, 1 black-holed, preflight-timeout ${PREFLIGHT_TIMEOUT} s: slowest probe ${median(slowest).toFixed(0)} ms (goal <= ${PREFLIGHT_TIMEOUT * 1000 + 500} ms)`
  )
}
