import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { neverLog, runMain, runPost } from '../../scripts/github-runner.mjs'
import { bootDriverOpts } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { docker, requireDocker } from './docker.js'
import { containerExists, newTestJob } from './jobs.js'

// A job cancelled while the action's main step runs: the runner sends SIGINT to the step's
// process (not to its children), SIGTERM 7.5 s later, then SIGKILL, and still runs the post
// step. Whatever moment the signal lands at, after the post step nothing of the job is left.

const PASSWORD = 'sbr-cancel-test-password-0d4e'
/** The moments tried, in ms into the main step: from node's start to after the boot. */
const MOMENTS = [25, 50, 75, ...Array.from({ length: 14 }, (_, index) => 100 + index * 50)]

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

function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []
}

/** Main stopped as `stop` says, then post: nothing of the job may be left. */
async function expectNothingLeftAfter(stop: { cancelAfterMs?: number; killAfterMs?: number }): Promise<void> {
  const name = `sbr-cancel-${randomBytes(4).toString('hex')}`
  const job = newTestJob()
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
  expect(post.log).not.toContain('::error::')
  expect(post.exitCode).toBe(0)
  // A `docker buildx create` that main started may outlive it; what it makes must not stay.
  await noProcessMentions(name)

  expect(docker(job.dockerConfig, ['buildx', 'inspect', name]).status).not.toBe(0)
  expect(containerExists(name)).toBe(false)
  expect(filesUnder(job.runnerTemp)).toEqual([])
  expect(readFileSync(configPath, 'utf8')).toBe(userConfig)
  expect(statSync(configPath).mode & 0o777).toBe(0o600)
}

describe('cancellation during the main step', () => {
  it.each(MOMENTS)(
    'cancelled %i ms into main: after post, no builder, no BuildKit container, no file, the client config as it was',
    moment => expectNothingLeftAfter({ cancelAfterMs: moment })
  )

  // The step's process killed outright, with no chance to stop its commands (the machine out of
  // memory): post stops a `buildx create` still running before it removes the builder.
  it.each([150, 250, 350])('killed (SIGKILL) %i ms into main: after post, nothing of the job is left', moment =>
    expectNothingLeftAfter({ killAfterMs: moment })
  )
})
