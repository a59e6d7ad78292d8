// npm run bench: the action's own overhead next to what it wraps, on this machine.
// Prints medians over RUNS runs of
//   - the bundled action's main step (bootstrap: false, preflight: off), as a runner starts it
//   - bare `docker buildx create --config` with the same generated config
//   - node starting with nothing to do, and loading the bundle (post step with no state)
//   - preflight of 10 registries (9 real docker-registry processes on loopback,
//     1 black-holed port), against the goal of preflight-timeout + 0.5 s
// and the bundle's size. Each builder is removed between runs (not timed).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUNDLE, newJob, runMain, runPost, runStep } from './github-runner.mjs'

const RUNS = Number(process.env.BENCH_RUNS || 15)
const dockerConfig = mkdtempSync(join(tmpdir(), 'sbr-bench-docker-'))
const env = { ...process.env, DOCKER_CONFIG: dockerConfig }

function caPem() {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-bench-ca-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '1', '-subj', '/CN=bench CA'], { stdio: 'pipe' })
  return execFileSync('cat', [join(dir, 'ca.pem')], { encoding: 'utf8' })
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const timed = (command, args) => {
  const started = performance.now()
  const result = spawnSync(command, args, { env, stdio: 'pipe' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
  return performance.now() - started
}

const inputs = {
  registries: 'localhost:5000 http\nregistry.internal:5443\nlab.internal insecure',
  'ca-cert': caPem(),
  mirror: 'mirror.internal',
  'max-parallelism': '4',
  bootstrap: 'false',
  // Measured on its own below: these example hosts do not exist.
  preflight: 'off'
}

const action = []
const bare = []
for (let run = 0; run < RUNS; run++) {
  const job = newJob({ DOCKER_CONFIG: dockerConfig })
  const main = await runMain(job, inputs)
  if (main.exitCode !== 0) throw new Error(main.log)
  action.push(main.ms)
  // The same config and certificates, while they exist (post removes them).
  const name = `bench-bare-${run}`
  bare.push(timed('docker', ['buildx', 'create', '--name', name, '--driver', 'docker-container', '--config', main.outputs.config, '--driver-opt', 'network=host', '--use']))
  timed('docker', ['buildx', 'rm', name])
  await runPost(job, main.state, inputs)
}

const nodeStart = []
const bundleLoad = []
for (let run = 0; run < RUNS; run++) {
  nodeStart.push(timed(process.execPath, ['-e', '0']))
  bundleLoad.push((await runStep(newJob(), 'post', { STATE_isPost: 'true' })).ms)
}

/** A free loopback port: bind to 0, read it, release it. */
async function freePort() {
  const server = createServer()
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise(resolve => server.close(resolve))
  return port
}

async function startRegistry() {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-bench-registry-'))
  const port = await freePort()
  const config = { version: 0.1, log: { level: 'error', accesslog: { disabled: true } }, storage: { filesystem: { rootdirectory: join(dir, 'data') } }, http: { addr: `127.0.0.1:${port}` } }
  writeFileSync(join(dir, 'config.yml'), JSON.stringify(config))
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' })
  for (let tries = 0; tries < 200; tries++) {
    const up = await new Promise(resolve => connect(port, '127.0.0.1').once('connect', function () { this.destroy(); resolve(true) }).once('error', () => resolve(false)))
    if (up) return { port, stop: () => child.kill() }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error('docker-registry did not start')
}

const PREFLIGHT_TIMEOUT = 2
const registriesUp = await Promise.all(Array.from({ length: 9 }, startRegistry))
const held = []
const blackhole = createServer(socket => held.push(socket))
await new Promise(resolve => blackhole.listen(0, '127.0.0.1', resolve))
const preflightInputs = {
  registries: [...registriesUp.map(registry => `127.0.0.1:${registry.port} http`), `127.0.0.1:${blackhole.address().port}`].join('\n'),
  'preflight-timeout': String(PREFLIGHT_TIMEOUT),
  bootstrap: 'false'
}
const preflightMs = []
const preflightStepMs = []
for (let run = 0; run < 3; run++) {
  const job = newJob({ DOCKER_CONFIG: dockerConfig })
  const main = await runMain(job, preflightInputs)
  if (main.exitCode !== 0) throw new Error(main.log)
  const results = JSON.parse(main.outputs.preflight)
  if (results.filter(result => !result.ok).length !== 1) throw new Error(`expected one failure: ${main.outputs.preflight}`)
  preflightMs.push(Math.max(...results.map(result => result.ms)))
  preflightStepMs.push(main.ms)
  await runPost(job, main.state)
}
for (const registry of registriesUp) registry.stop()
for (const socket of held) socket.destroy()
blackhole.close()

const actionMs = median(action)
const bareMs = median(bare)
console.log(`runs: ${RUNS} (medians)`)
console.log(`action main step (no bootstrap, no preflight): ${actionMs.toFixed(0)} ms`)
console.log(`bare docker buildx create --config:   ${bareMs.toFixed(0)} ms`)
console.log(`ratio action / bare create:          ${(actionMs / bareMs).toFixed(2)}`)
console.log(`action overhead:                     ${(actionMs - bareMs).toFixed(0)} ms`)
console.log(`node -e 0:                           ${median(nodeStart).toFixed(0)} ms`)
console.log(`node dist/index.js, nothing to do:   ${median(bundleLoad).toFixed(0)} ms`)
console.log(`bundle size:                         ${(statSync(BUNDLE).size / 1024 / 1024).toFixed(2)} MB`)
console.log(`preflight, 10 registries, 1 black-holed, preflight-timeout ${PREFLIGHT_TIMEOUT} s (median of 3):`)
console.log(`  slowest probe:                     ${median(preflightMs).toFixed(0)} ms (goal: <= ${PREFLIGHT_TIMEOUT * 1000 + 500} ms)`)
console.log(`  whole main step:                   ${median(preflightStepMs).toFixed(0)} ms`)
