import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, runMain, runPost, type StepResult, type StopMoment } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { actionFilesInBuildxStore, filesUnder } from '../helpers/files.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob } from './jobs.js'

// A job cancelled while the action's main step runs: the runner sends SIGINT to the step's
// process (not to its children), SIGTERM 7.5 s later, then SIGKILL, and still runs the post
// step. Whatever moment the signal lands at, after the post step nothing of the job is left.
//
// The moments are phases of the step, told by its streamed log (a fixed number of ms would fall
// after the end of the step on a fast machine, where the runner has nothing left to cancel), and
// each case proves the signal landed while main ran: the runner emulator reports the signals it
// delivered to a still-running step, and how the step ended.

const PASSWORD = 'sbr-cancel-test-password-0d4e'

let pki: TestPki
let plain: RunningServer

beforeAll(async () => {
  requireDocker()
  neverLog(PASSWORD)
  pki = makePki()
  plain = await startRegistry()
})

afterAll(async () => {
  await plain?.stop()
})

/** Waits (bounded) until no process names `text` in its command line: a child main left running. */
async function noProcessMentions(text: string): Promise<void> {
  const deadline = Date.now() + 60000
  while (spawnSync('pgrep', ['-f', text]).status === 0) {
    if (Date.now() > deadline)
      throw new Error(`processes naming ${text} are still running a minute after the post step`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** How long `buildx inspect` takes under slowBuildxInspect: far longer than main's host changes. */
const INSPECT_HELD_S = 3

/**
 * Makes the job's `buildx inspect` take INSPECT_HELD_S more (a busy daemon): main starts it before
 * preflight settles and the host changes, and ends once it answers, so a signal at a phase after
 * the host changes lands while it still runs (not after main's end, which the runner cannot
 * cancel). A wrapper in the job's own plugin directory, which buildx and the CLI look in first,
 * runs the real plugin for everything.
 */
function slowBuildxInspect(dockerConfig: string): void {
  const buildx = spawnSync('docker', [
    'info',
    '--format',
    '{{range .ClientInfo.Plugins}}{{if eq .Name "buildx"}}{{.Path}}{{end}}{{end}}'
  ])
    .stdout.toString()
    .trim()
  expect(buildx).toMatch(/\/docker-buildx$/)
  mkdirSync(join(dockerConfig, 'cli-plugins'))
  // The sleep keeps none of the step's pipes open: stopped, the wrapper's exit is the command's end.
  const wrapper = `#!/bin/sh\n[ "$1" = inspect ] && sleep ${INSPECT_HELD_S} </dev/null >/dev/null 2>&1\nexec ${buildx} "$@"\n`
  writeFileSync(join(dockerConfig, 'cli-plugins', 'docker-buildx'), wrapper, { mode: 0o755 })
}

/**
 * Main stopped as `stop` says, then post: nothing of the job may be left. `expectStopped` checks
 * that the signal landed as the case says (after post, which must run whatever main did).
 */
async function expectNothingLeftAfter(
  stop: { cancelWhen?: StopMoment; killWhen?: StopMoment; slowInspect?: boolean },
  expectStopped: (main: StepResult) => void
): Promise<void> {
  const name = `sbr-cancel-${randomBytes(4).toString('hex')}`
  const job = newTestJob()
  if (stop.slowInspect) slowBuildxInspect(job.dockerConfig)
  // The user's own client config, formatted as they wrote it: it must come back byte for byte.
  const configPath = join(job.dockerConfig, 'config.json')
  const userConfig =
    '{\n    "auths": {\n        "other.example": {\n            "auth": "b3RoZXI6c2VjcmV0"\n        }\n    }\n}'
  writeFileSync(configPath, userConfig, { mode: 0o600 })
  const inputs = {
    name,
    registries: `${plain.host} http\nlocalhost:5443`,
    'ca-cert': pki.caCert,
    'client-cert': pki.clientCert,
    'client-key': pki.clientKey,
    credentials: `${plain.host}=ci:${PASSWORD}`,
    'driver-opts': bootDriverOpts()
  }
  const main = await runMain(job, inputs, stop)
  const post = await runPost(job, main.state, inputs)
  expectStopped(main)
  expect(post.log).not.toContain('::error::')
  expect(post.exitCode).toBe(0)
  // A `docker buildx create` that main started may outlive it; what it makes must not stay.
  await noProcessMentions(name)

  expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).not.toBe(0)
  expect(containerExists(name)).toBe(false)
  expect(filesUnder(job.runnerTemp)).toEqual([])
  expect(actionFilesInBuildxStore(job.dockerConfig)).toEqual([])
  expect(readFileSync(configPath, 'utf8')).toBe(userConfig)
  expect(statSync(configPath).mode & 0o777).toBe(0o600)
}

// Phases of the main step, as its log shows them (src/steps/main.ts).
/** The inputs are read: the keys and the password are masked first. */
const INPUTS_READ = /^::add-mask::/m
/** The plan is made and shown; the files, the builder's lease and the create come next. */
const PLANNED = /^::group::buildkitd\.toml[\s\S]*?^::endgroup::$/m
/** `docker buildx create` has started. */
const CREATE_STARTED = /^\[command\]\S*buildx create /m
/** buildx has stored the builder and boots it. */
const BOOTING = /^#1 \[internal\] booting buildkit$/m
/** dockerd is creating the BuildKit container. */
const CREATING_CONTAINER = /^#1 creating container buildx_buildkit_/m
/** The builder is up; the job's client config has been changed (the client trust comes next). With slowBuildxInspect. */
const CREDENTIALS_WRITTEN = /^Credentials for \S+ written to /m
/** The host is changed; `buildx inspect` (for the outputs) is what main still waits for. With slowBuildxInspect. */
const HOST_CHANGED = /^Exported SSL_CERT_FILE=/m
/** The phases where only `buildx inspect` keeps main running: held there, so the signal lands in time. */
const WHILE_INSPECT_RUNS = [CREDENTIALS_WRITTEN, HOST_CHANGED]

/** Main caught the runner's SIGINT while running, and failed saying so, for `reason`. */
function cancelledWhile(reason: RegExp): (main: StepResult) => void {
  return main => {
    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(main.exitSignal).toBeNull()
    expect(main.log).toContain(
      "SIGINT: the job was cancelled; stopping this step's commands (the post step removes what was made)."
    )
    expect(main.exitCode).toBe(1)
    const failure = /^::error::(.*)$/m.exec(main.log)?.[1]
    expect(failure).toMatch(/^The job was cancelled during this step; the post step removes what it made \(/)
    expect(failure).toMatch(reason)
  }
}

/**
 * The first command main starts after the signal is refused (`not started: the job is being
 * cancelled`), as main starts no command after it: the look for the builder's image in the daemon,
 * just before the create; or the create, refused or stopped, when the few ms between the plan and
 * those commands outran the signal. Either way the builder never came up.
 */
const CREATE_REFUSED_OR_STOPPED =
  /\(`docker (image inspect --format \{\{\.Id\}\} \S+` failed: not started: the job is being cancelled|buildx create --name sbr-cancel-[0-9a-f]{8} .*` failed: )/
/** The create was running, and main stopped it (buildx's words on being stopped vary with the moment). */
const CREATE_STOPPED = /\(`docker buildx create --name sbr-cancel-[0-9a-f]{8} .*` failed: (?!not started)/
/** `buildx inspect` was running, and main stopped it. */
const INSPECT_STOPPED = /\(`docker buildx inspect sbr-cancel-[0-9a-f]{8}` failed: /

/** The step's process was ended by SIGKILL, the one signal it cannot see, while it ran. */
function killed(main: StepResult): void {
  expect(main.signalsSent).toEqual(['SIGKILL'])
  expect(main.exitSignal).toBe('SIGKILL')
}

describe('cancellation during the main step: after post, no builder, no BuildKit container, no file, the client config as it was', () => {
  it('cancelled before the step runs any of its code: SIGINT ends the process, nothing is recorded', () =>
    expectNothingLeftAfter({ cancelWhen: 0 }, main => {
      expect(main.signalsSent).toEqual(['SIGINT'])
      expect(main.exitSignal).toBe('SIGINT')
      expect(main.log).toBe('')
      expect(main.state).toEqual({})
    }))

  it.each([
    ['once the inputs are read', INPUTS_READ, CREATE_REFUSED_OR_STOPPED],
    ['once the plan is made, before its files are written', PLANNED, CREATE_REFUSED_OR_STOPPED],
    ['as `buildx create` starts', CREATE_STARTED, CREATE_STOPPED],
    ['while the builder boots', BOOTING, CREATE_STOPPED],
    ['while dockerd creates the BuildKit container', CREATING_CONTAINER, CREATE_STOPPED],
    ["once the job's client config has credentials (a slow `buildx inspect`)", CREDENTIALS_WRITTEN, INSPECT_STOPPED],
    ['once the host is changed, while a slow `buildx inspect` runs', HOST_CHANGED, INSPECT_STOPPED]
  ])('cancelled %s: main sees SIGINT and fails saying so', (_moment, phase, reason) =>
    expectNothingLeftAfter(
      { cancelWhen: phase, slowInspect: WHILE_INSPECT_RUNS.includes(phase) },
      cancelledWhile(reason)
    )
  )

  // The step's process killed outright, with no chance to stop its commands (the machine out of
  // memory): post stops a `buildx create` still running before it removes the builder.
  it.each([
    ['as `buildx create` starts', CREATE_STARTED],
    ['while dockerd creates the BuildKit container', CREATING_CONTAINER],
    ["once the job's client config has credentials (a slow `buildx inspect`)", CREDENTIALS_WRITTEN]
  ])('killed (SIGKILL) %s', (_moment, phase) =>
    expectNothingLeftAfter({ killWhen: phase, slowInspect: WHILE_INSPECT_RUNS.includes(phase) }, killed)
  )
})
