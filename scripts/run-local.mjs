// npm run local: the action doing its job on this machine, the way a runner runs it
// (scripts/github-runner.mjs, the committed bundle), in six phases of one line each:
//   1. a throwaway docker-registry with a self-signed CA, HTTPS on loopback
//   2. the main step with `registries` and `ca-cert` naming them
//   3. a later step of the job: `docker buildx build --builder NAME --push` of a tiny image
//   4. the image's manifest read back from the registry over HTTPS, trusting only the CA
//   5. the post step, then a look that the builder and the job directory are gone
//   6. the registry stopped, the temporary files removed (also after a failure or Ctrl+C)
// BUILDKIT_IMAGE boots the builder from a BuildKit image of yours (a machine that cannot pull
// moby/buildkit). With INPUT_<NAME> variables set, the action runs with those inputs instead
// (main, then post), and no demo registry is started.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runLater, runMain, runPost } from './github-runner.mjs'

const REPOSITORY = 'demo/hello'
const TAG = '1'
/** How long the registry may take to answer over HTTPS once started. */
const REGISTRY_START_MS = 10000
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

/** Ends the demo early: what happened is already printed. */
class Stop extends Error {}

// Ctrl+C in a terminal reaches every process of the group: the step running (which ends through
// its cancellation path), buildx, the registry. This script then runs the post step and cleans
// up before it exits; a second Ctrl+C exits at once. Under `npm run local` one Ctrl+C arrives
// twice (npm forwards the terminal's SIGINT to its child): a second signal within a second is the same.
const SAME_CTRL_C_MS = 1000
let interrupted = false
let interruptedAt = 0
/**
 * Synchronous last-resort cleanup, for a second Ctrl+C and for this process ending any other way
 * than through the demo's own cleanup (a crash); set while there is something to clean.
 */
let cleanUpNow = () => undefined
process.once('exit', () => cleanUpNow())
function onSignal(signal) {
  if (interrupted) {
    if (Date.now() - interruptedAt < SAME_CTRL_C_MS) return
    cleanUpNow()
    process.exit(130)
  }
  interrupted = true
  interruptedAt = Date.now()
  console.log(`\n${signal}: stopping; the post step and the cleanup still run (again to quit at once)`)
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

function stopIfInterrupted() {
  if (interrupted) throw new Stop()
}

function phase(number, total, text) {
  console.log(`[${number}/${total}] ${text}`)
}

/**
 * A step's log under its phase line, indented, as the runner receives it (workflow commands too),
 * less the `::add-mask::` commands, which the runner consumes and never shows.
 */
function showLog(log) {
  const lines = log
    .replace(/\n$/, '')
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
  if (log.trim() !== '') console.log(lines.map(line => `      ${line}`).join('\n'))
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`
}

function openssl(dir, args) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

/**
 * A CA and a server certificate it signed for 127.0.0.1 and localhost, in `dir`. The same openssl
 * calls as makePki in __tests__/helpers/certs.ts: that helper is TypeScript, which a plain
 * `node` script cannot import, so these few lines are repeated rather than shared.
 */
function makeCertificates(dir) {
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const caSubject = '/CN=setup-buildkit-registry npm run local CA'
  openssl(dir, ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', caSubject])
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  openssl(dir, ['req', '-new', ...ecKey, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'])
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'server.ext'
  ])
  return { caPath: join(dir, 'ca.pem'), certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server.key') }
}

/** A loopback port nothing listens on now (the kernel's choice). */
function freePort() {
  const server = createServer()
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** GET `path` over HTTPS on 127.0.0.1:`port`, trusting `ca` alone. */
function httpsGet(port, path, ca, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, headers, timeout: 5000 }, response => {
      const chunks = []
      response.on('data', chunk => chunks.push(chunk))
      response.once('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) })
      )
      response.once('error', reject)
    })
    req.once('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.once('error', reject)
    req.end()
  })
}

/** Kills `child` (SIGKILL after 5 s) and waits until it is gone. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/**
 * Debian's docker-registry serving HTTPS on a free loopback port, storage in `dir`, as
 * startRegistry in __tests__/helpers/servers.ts starts it. Up once it answers `GET /v2/` over
 * HTTPS with the CA: it listens before it reads its certificate, so a connection proves nothing.
 */
async function startRegistry(dir, certificates) {
  const ca = readFileSync(certificates.caPath)
  // The port is free when asked, not reserved: another process may take it first; then try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const config = {
      version: '0.1',
      log: { level: 'error', accesslog: { disabled: true } },
      storage: {
        filesystem: { rootdirectory: join(dir, 'data') },
        maintenance: { uploadpurging: { enabled: false } }
      },
      http: {
        addr: `127.0.0.1:${port}`,
        // Fixed, so the registry does not warn that it made one up.
        secret: 'setup-buildkit-registry-npm-run-local',
        tls: { certificate: certificates.certPath, key: certificates.keyPath }
      }
    }
    // JSON is YAML, with no quoting rules for paths.
    writeFileSync(join(dir, 'config.yml'), JSON.stringify(config, null, 2))
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    let gone
    child.once(
      'error',
      error => (gone ??= `could not run docker-registry (${error.message}): install Debian's docker-registry`)
    )
    child.once('exit', (code, signal) => (gone ??= `docker-registry exited (code ${code}, signal ${signal})`))
    const deadline = Date.now() + REGISTRY_START_MS
    for (;;) {
      const status = await httpsGet(port, '/v2/', ca).then(
        response => response.status,
        () => undefined
      )
      if (status === 200) return { child, port, host: `127.0.0.1:${port}` }
      if (gone) break
      if (Date.now() > deadline || interrupted) {
        await stopChild(child)
        throw new Error(`docker-registry did not answer on https://127.0.0.1:${port}/v2/:\n${output.trim()}`)
      }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    if (attempt === 3 || !/address already in use/.test(output)) throw new Error(`${gone}:\n${output.trim()}`)
  }
}

/** A build context: FROM scratch and one small file, so no base image has to be pulled. */
function writeBuildContext(dir) {
  mkdirSync(dir)
  writeFileSync(join(dir, 'hello.txt'), 'Hello from setup-buildkit-registry (npm run local)\n')
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n')
}

/** Whether buildx still knows `name`, or its BuildKit container is still there. */
function builderLeft(name, env) {
  const known = spawnSync('docker', ['buildx', 'inspect', name], { stdio: 'ignore', env }).status === 0
  const container =
    spawnSync('docker', ['container', 'inspect', `buildx_buildkit_${name}0`], { stdio: 'ignore', env }).status === 0
  return [known && `builder ${name}`, container && `container buildx_buildkit_${name}0`].filter(Boolean)
}

/** The demo: six phases against a registry of its own. */
async function demo() {
  const total = 6
  const temp = mkdtempSync(join(tmpdir(), 'sbr-local-'))
  let registry
  let job
  let main
  let inputs
  let failed = false
  cleanUpNow = () => {
    cleanUpNow = () => undefined
    registry?.child.kill('SIGKILL')
    rmSync(temp, { recursive: true, force: true })
    if (job) rmSync(job.root, { recursive: true, force: true })
    if (inputs) console.log(`If builder ${inputs.name} is left, remove it with \`docker buildx rm ${inputs.name}\``)
  }
  try {
    const pkiDir = join(temp, 'pki')
    mkdirSync(pkiDir)
    mkdirSync(join(temp, 'registry'))
    let ca
    try {
      const certificates = makeCertificates(pkiDir)
      ca = readFileSync(certificates.caPath, 'utf8')
      registry = await startRegistry(join(temp, 'registry'), certificates)
    } catch (error) {
      phase(1, total, `registry failed: ${error.message}`)
      throw new Stop()
    }
    phase(1, total, `registry: https://${registry.host} (docker-registry, self-signed CA)`)
    stopIfInterrupted()

    job = newJob()
    // Named here, so that this script can look for it after post even when main failed early;
    // `use: false` leaves your current builder as it was.
    const builder = `npm-run-local-${randomBytes(4).toString('hex')}`
    inputs = { name: builder, registries: registry.host, 'ca-cert': ca, use: 'false' }
    // Unset, buildx pulls moby/buildkit, as on GitHub's runners.
    if (process.env.BUILDKIT_IMAGE) inputs['driver-opts'] = `image=${process.env.BUILDKIT_IMAGE}`
    main = await runMain(job, inputs)
    if (main.exitCode !== 0) {
      phase(2, total, `main step failed (exit ${main.exitCode}, ${seconds(main.ms)}); its log:`)
      showLog(main.log)
      if (!interrupted && !process.env.BUILDKIT_IMAGE)
        console.log(
          'If the builder could not pull moby/buildkit: BUILDKIT_IMAGE=<a BuildKit image dockerd has> npm run local'
        )
      throw new Stop()
    }
    const image = process.env.BUILDKIT_IMAGE ? `BuildKit image ${process.env.BUILDKIT_IMAGE}, ` : ''
    phase(2, total, `main step: builder ${builder} up, trusting the CA (${image}exit 0, ${seconds(main.ms)}); its log:`)
    showLog(main.log)
    stopIfInterrupted()

    // A later `run:` step of the job: the environment main exported, the builder by its name.
    const context = join(temp, 'context')
    writeBuildContext(context)
    const tag = `${registry.host}/${REPOSITORY}:${TAG}`
    const metadataFile = join(temp, 'metadata.json')
    const buildArgs = ['buildx', 'build', '--builder', builder, '--push', '-t', tag, '--metadata-file', metadataFile]
    const started = performance.now()
    const build = await runLater(job, 'docker', [...buildArgs, context])
    stopIfInterrupted()
    if (build.status !== 0) {
      phase(3, total, `docker buildx build --builder ${builder} --push -t ${tag} failed (exit ${build.status}):`)
      showLog(build.stderr)
      throw new Stop()
    }
    const pushed = JSON.parse(readFileSync(metadataFile, 'utf8'))['containerimage.digest']
    phase(
      3,
      total,
      `build: docker buildx build --builder ${builder} --push -t ${tag} (FROM scratch + one file, ${seconds(performance.now() - started)}): pushed ${pushed}`
    )
    stopIfInterrupted()

    // Read back as any client would, over HTTPS, trusting the demo CA and nothing else.
    const path = `/v2/${REPOSITORY}/manifests/${TAG}`
    const manifest = await httpsGet(registry.port, path, ca, { Accept: MANIFEST_TYPES })
    const stored = manifest.headers['docker-content-digest']
    if (manifest.status !== 200 || stored !== pushed) {
      phase(
        4,
        total,
        `read back: GET https://${registry.host}${path} answered ${manifest.status} with ${stored}, not the pushed ${pushed}`
      )
      throw new Stop()
    }
    const type = JSON.parse(manifest.body.toString('utf8')).mediaType ?? manifest.headers['content-type']
    phase(4, total, `read back: GET https://${registry.host}${path} → ${stored} (${type}), the digest pushed`)
  } catch (error) {
    failed = true
    if (!(error instanceof Stop)) console.log(`Failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    try {
      if (main) {
        // As on a runner, the post step runs whenever main ran, even when it or a later step failed.
        const post = await runPost(job, main.state, inputs)
        const left = builderLeft(inputs.name, process.env)
        // The job directory (buildkitd.toml, certificates, the CA bundle) is in RUNNER_TEMP.
        const inRunnerTemp = existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp) : []
        left.push(...inRunnerTemp.map(name => join(job.runnerTemp, name)))
        if (post.exitCode !== 0 || left.length > 0) {
          failed = true
          const what = left.length > 0 ? `, left ${left.join(', ')}` : ''
          phase(5, total, `post step: exit ${post.exitCode}${what}; its log:`)
        } else {
          const gone = `builder ${inputs.name}, its BuildKit container and the job directory`
          phase(5, total, `post step: ${gone} gone (exit 0, ${seconds(post.ms)}); its log:`)
        }
        showLog(post.log)
      }
    } finally {
      if (registry) await stopChild(registry.child)
      rmSync(temp, { recursive: true, force: true })
      if (job) rmSync(job.root, { recursive: true, force: true })
      cleanUpNow = () => undefined
      phase(6, total, `cleanup: ${registry ? 'registry stopped, ' : ''}temporary files removed`)
    }
  }
  return failed ? 1 : 0
}

/** Your own inputs, from INPUT_<NAME> variables: main, then post (also after a failure or Ctrl+C). */
async function ownInputs(inputs) {
  const total = 2
  const job = newJob()
  try {
    const main = await runMain(job, inputs)
    const names = Object.keys(inputs).sort().join(', ')
    phase(1, total, `main step with your inputs (${names}): exit ${main.exitCode}, ${seconds(main.ms)}; its log:`)
    showLog(main.log)
    // One line each: multi-line values (the `nodes` JSON) joined.
    for (const [name, value] of Object.entries(main.outputs))
      console.log(`      output ${name}: ${value.replace(/\n\s*/g, ' ')}`)
    const post = await runPost(job, main.state, inputs)
    phase(2, total, `post step: exit ${post.exitCode}, ${seconds(post.ms)}; its log:`)
    showLog(post.log)
    return main.exitCode || post.exitCode
  } finally {
    rmSync(job.root, { recursive: true, force: true })
  }
}

const fromEnvironment = Object.fromEntries(
  Object.entries(process.env)
    .filter(([key]) => key.startsWith('INPUT_'))
    .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value ?? ''])
)
const status = Object.keys(fromEnvironment).length > 0 ? await ownInputs(fromEnvironment) : await demo()
process.exitCode = interrupted ? 130 : status
