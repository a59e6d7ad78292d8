// Runs the bundled action the way a GitHub runner runs a JavaScript action:
// INPUT_<NAME> variables (name upper-cased, hyphens kept), GITHUB_OUTPUT /
// GITHUB_STATE / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files, then the
// post step with every saved state as STATE_<name>. What a step exports through
// GITHUB_ENV and GITHUB_PATH reaches every later step of the job, `run:` steps
// (runLater) and the post step alike. Used by the real-binary tests,
// `npm run local` and `npm run bench`.
import { spawn } from 'node:child_process'
import { chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')
/** action.yml's `post` entry. */
export const POST_BUNDLE = join(dirname(BUNDLE), 'post', 'index.js')

/** Lines of test keys that no step may ever show: every step's visible log is checked against them. */
const neverShown = new Set()

/**
 * Registers a secret (a PEM key, a password) whose lines must never appear in
 * a step's visible log, that is anything but the ::add-mask:: commands the
 * runner consumes.
 * @param {string} secret
 */
export function neverLog(secret) {
  for (const line of secret.split('\n'))
    if (line.trim().length >= 8 && !line.startsWith('-----')) neverShown.add(line.trim())
}

/** @param {string} log */
function assertNoSecretShown(log) {
  const visible = log
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const secret of neverShown) {
    if (visible.includes(secret))
      throw new Error(`a step's log shows a registered secret line (${secret.slice(0, 6)}…):\n${visible}`)
  }
}

/**
 * Reads a GITHUB_OUTPUT / GITHUB_STATE file (`name<<DELIMITER\nvalue\nDELIMITER`
 * blocks, or `name=value` lines); a later value for a name wins, as on the runner.
 * @param {string} path
 * @returns {Record<string, string>}
 */
export function readCommandFile(path) {
  const values = {}
  const lines = readFileSync(path, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      values[heredoc[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return values
}

/**
 * One job's runner environment: its own RUNNER_TEMP and command files.
 * @param {NodeJS.ProcessEnv} [env] extra variables for both steps (e.g. DOCKER_CONFIG)
 * @param {{uid: number, gid: number}} [user] run the steps as this user instead (the job's files become theirs)
 */
export function newJob(env = {}, user) {
  const root = mkdtempSync(join(tmpdir(), 'sbr-job-'))
  if (user) chownSync(root, user.uid, user.gid)
  const job = {
    root,
    runnerTemp: join(root, 'temp'),
    env: { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'test', ...env },
    /** Directories steps added through GITHUB_PATH, the newest first (as the runner prepends them). */
    path: [],
    /** The job's worker process (see workerOf); shared by copies of the job object. */
    runner: {},
    user,
    /** A container job's container, set by the test: `{ name, path, node }` (see inStepHost). */
    container: undefined
  }
  return job
}

/**
 * The environment a step of `job` starts with: this process's, less what the runner sets per step
 * (NODE_OPTIONS is jest's own), plus the job's and what earlier steps exported.
 */
function stepEnvironment(job, extra = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(INPUT_|STATE_|GITHUB_|NODE_OPTIONS$)/.test(key))
  )
  const env = { ...inherited, ...stepOwnEnvironment(job, extra) }
  if (job.path.length > 0) env.PATH = [...job.path, env.PATH].join(':')
  return env
}

/** What the runner sets for a step itself: the job's variables, what earlier steps exported, the step's own. */
function stepOwnEnvironment(job, extra = {}) {
  return { RUNNER_TEMP: job.runnerTemp, ...job.env, ...extra }
}

/**
 * `command args` as a step of `job` runs them: here, or in the job's container (`job.container`,
 * a container job) as actions/runner's ContainerStepHost does, `docker exec` with the step's own
 * variables passed by name (their values come from the docker CLI's environment) and PATH the
 * container's with what earlier steps added in front.
 */
function inStepHost(job, command, args, extra = {}) {
  if (!job.container) return { command, args }
  const names = Object.keys(stepOwnEnvironment(job, extra)).flatMap(name => ['-e', name])
  const path = [...job.path, job.container.path].join(':')
  return { command: 'docker', args: ['exec', ...names, '-e', `PATH=${path}`, job.container.name, command, ...args] }
}

/** What the runner does to a step's process when the job is cancelled (actions/runner's ProcessInvoker). */
const CANCEL_SIGINT_GRACE_MS = 7500
const CANCEL_SIGTERM_GRACE_MS = 2500

/**
 * The job's worker (scripts/job-worker.mjs). On a runner, one Runner.Worker process per job starts
 * every step's process and lives until the job ends: a step's parent process is the job's (the
 * action tells a running job's builder from a crashed job's by it).
 */
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'job-worker.mjs')
let nextStepId = 0

/** The job's worker process, started with its first step. */
function workerOf(job) {
  if (!job.runner.worker) {
    const worker = spawn(process.execPath, [WORKER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    // Idle, it keeps nothing alive; a running step refs the channel.
    worker.unref()
    worker.channel.unref()
    job.runner.worker = worker
    // Its first message says it is up (scripts/job-worker.mjs); step messages carry an id.
    job.runner.ready = new Promise(resolve => worker.once('message', resolve))
  }
  return job.runner.worker
}

/**
 * Starts the job's worker and waits until it is up. On a runner the worker is running before the
 * job's first step: `npm run bench` calls this so that the first step's time is the step's alone.
 */
export async function startJobWorker(job) {
  const worker = workerOf(job)
  worker.channel.ref()
  await job.runner.ready
  worker.channel.unref()
}

/**
 * The job's runner dies (a crash, a machine lost): its worker goes, and no post step runs. What the
 * job made is then a leftover for the next job.
 * @param {{runner: {worker?: import('node:child_process').ChildProcess}}} job
 */
export async function crashJob(job) {
  const worker = job.runner.worker
  job.runner.worker = undefined
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) return
  await new Promise(resolve => {
    worker.once('exit', resolve)
    worker.kill('SIGKILL')
  })
}

/**
 * Runs `command args` as a step of `job`, through its worker.
 * @returns {Promise<{exitCode: number, log: string}>}
 */
function runThroughWorker(job, command, args, env, { cancelAfterMs, killAfterMs } = {}) {
  const worker = workerOf(job)
  const id = nextStepId++
  worker.channel.ref()
  return new Promise((resolve, reject) => {
    let log = ''
    let done = false
    const signal = name => !done && worker.send({ id, signal: name })
    // As the runner cancels: SIGINT to the step's process only (not its process group: children it
    // started go on), SIGTERM 7.5 s later if it is still there, SIGKILL 2.5 s after that.
    const timers =
      cancelAfterMs === undefined
        ? []
        : [
            setTimeout(() => signal('SIGINT'), cancelAfterMs),
            setTimeout(() => signal('SIGTERM'), cancelAfterMs + CANCEL_SIGINT_GRACE_MS),
            setTimeout(() => signal('SIGKILL'), cancelAfterMs + CANCEL_SIGINT_GRACE_MS + CANCEL_SIGTERM_GRACE_MS)
          ]
    // The step's process killed outright (the machine out of memory, the runner's last resort).
    if (killAfterMs !== undefined) timers.push(setTimeout(() => signal('SIGKILL'), killAfterMs))
    const onMessage = message => {
      if (message.id !== id) return
      if (message.chunk !== undefined) log += message.chunk
      if (message.error !== undefined) finish(() => reject(new Error(message.error)))
      if (message.code !== undefined) finish(() => resolve({ exitCode: message.code ?? 1, log }))
    }
    const onExit = () => finish(() => reject(new Error("the job's worker process died during the step")))
    function finish(settle) {
      done = true
      timers.forEach(clearTimeout)
      worker.off('message', onMessage)
      worker.off('exit', onExit)
      worker.channel?.unref()
      settle()
    }
    worker.on('message', onMessage)
    worker.once('exit', onExit)
    worker.send({ id, command, args, env, uid: job.user?.uid, gid: job.user?.gid })
  })
}

/**
 * Runs one step (main or post) of the bundle.
 * @param {{root: string, runnerTemp: string, env: NodeJS.ProcessEnv}} job
 * @param {'main' | 'post'} step
 * @param {NodeJS.ProcessEnv} stepEnv INPUT_* or STATE_* variables
 * @param {{cancelAfterMs?: number, killAfterMs?: number, withoutId?: boolean}} [options] cancel the job, or SIGKILL the step, this long into it; a step with no `id:`
 * @returns {Promise<{exitCode: number, log: string, outputs: Record<string, string>, state: Record<string, string>, summary: string, ms: number}>}
 */
export async function runStep(job, step, stepEnv, options = {}) {
  const files = {}
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(job.root, `${step}-${name.toLowerCase()}`)
    writeFileSync(files[name], '')
    if (job.user) chownSync(files[name], job.user.uid, job.user.gid)
  }
  // The runner names the step in GITHUB_ACTION: its `id:`, or for a step without one a name of its
  // own starting with '__'. The tests' steps have an id (they read the outputs) unless told otherwise.
  const name = options.withoutId ? '__org_setup-buildkit-registry' : 'buildkit'
  const env = stepEnvironment(job, { ...files, GITHUB_ACTION: name, ...stepEnv })
  const started = performance.now()
  const bundle = step === 'post' ? POST_BUNDLE : BUNDLE
  // In a job container, the node there: the runner mounts its own node into it the same way.
  const node = job.container ? job.container.node : process.execPath
  const command = inStepHost(job, node, [bundle], { ...files, GITHUB_ACTION: name, ...stepEnv })
  const { exitCode, log } = await runThroughWorker(job, command.command, command.args, env, options)
  assertNoSecretShown(log)
  const exported = readCommandFile(files.GITHUB_ENV)
  Object.assign(job.env, exported)
  const addedPaths = readFileSync(files.GITHUB_PATH, 'utf8')
    .split('\n')
    .filter(line => line !== '')
  job.path.unshift(...addedPaths.reverse())
  return {
    exitCode,
    log,
    exported,
    outputs: readCommandFile(files.GITHUB_OUTPUT),
    state: readCommandFile(files.GITHUB_STATE),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    ms: performance.now() - started
  }
}

/**
 * A later `run:` step of the job: `command args` with the job's environment, including what the
 * action exported. Never throws for a failing command: the test asserts on the status.
 * @param {{root: string, runnerTemp: string, env: NodeJS.ProcessEnv, path: string[]}} job
 * @param {string} command
 * @param {string[]} args
 * @param {{cwd?: string, env?: NodeJS.ProcessEnv}} [options] `env`: the step's own `env:` map
 * @returns {Promise<{status: number, stdout: string, stderr: string}>}
 */
export function runLater(job, command, args, options = {}) {
  const started = inStepHost(job, command, args, options.env)
  return new Promise((resolve, reject) => {
    const child = spawn(started.command, started.args, {
      cwd: options.cwd,
      env: stepEnvironment(job, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: job.user?.uid,
      gid: job.user?.gid
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => resolve({ status: code ?? 1, stdout, stderr }))
  })
}

/**
 * @param {Record<string, string>} inputs the step's `with:` map
 * @returns {NodeJS.ProcessEnv}
 */
export function inputEnv(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  )
}

/**
 * @param {Record<string, string>} state what main saved
 * @returns {NodeJS.ProcessEnv}
 */
export function stateEnv(state) {
  return Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
}

/**
 * Main with `inputs`, as `uses:` with `with:` would run it.
 * @param {{cancelAfterMs?: number, killAfterMs?: number, withoutId?: boolean}} [options] cancel the job, or SIGKILL the step, this long into it; a step with no `id:`
 */
export function runMain(job, inputs, options = {}) {
  return runStep(job, 'main', inputEnv(inputs), options)
}

/** Post with main's saved state; the runner passes the inputs to post too. */
export function runPost(job, state, inputs = {}) {
  return runStep(job, 'post', { ...inputEnv(inputs), ...stateEnv(state) })
}
