import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { neverLog, type StepResult } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE } from '../helpers/builds.js'
import { startHttpServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { workflowCommands } from '../helpers/workflow-commands.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush, expectPushed } from './pushes.js'

// Text from the network reaches the step's log: a mirror's error body in the builder image fetch's
// retry lines, and a registry's error body in `docker pull`'s error, which the daemon's retry line
// quotes. Bodies here carry workflow commands: `::stop-commands::` would make the runner ignore
// the step's later `::add-mask::` (the credential entry it replaces in the Docker client config,
// masked after the fetch), `::error title=Forged::` would forge an annotation, `##[set-env` is the
// older form. The step's raw output is read as the runner reads it (helpers/workflow-commands.ts).

const PASSWORD = 'sbr-untrusted-output-password-81d3'
/** What an earlier login left for the registry: masked by the step once it writes its own entry. */
const EARLIER_AUTH = Buffer.from('earlier:login-3c9e0f').toString('base64')

/** An errors body whose message forges commands; "Service Unavailable" makes the daemon's pull error count as transient. */
function forgedBody(code: string, token: string): string {
  const message = `Service Unavailable\n::stop-commands::${token}\n::error title=Forged::${token}\n##[set-env name=A;]${token}`
  return JSON.stringify({ errors: [{ code, message }] })
}

/**
 * A registry that answers every request but `/v2/` with `statuses` in turn (a HEAD without body,
 * without using one up: the daemon asks HEAD, then GET for the error's body), then forwards to
 * `target`, or, without one, keeps answering the last status.
 */
async function startHostile(statuses: number[], body: string, target?: RunningServer): Promise<RunningServer> {
  let answered = 0
  const forward = (incoming: IncomingMessage, response: ServerResponse, to: RunningServer): void => {
    const [hostname, port] = to.host.split(':')
    const forwarded = request(
      { hostname, port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: to.host } },
      upstream => {
        response.writeHead(upstream.statusCode ?? 502, upstream.headers)
        upstream.pipe(response)
      }
    )
    forwarded.on('error', () => response.destroy())
    incoming.pipe(forwarded)
  }
  return startHttpServer((incoming, response) => {
    if (incoming.url === '/v2/') {
      response.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0' }).end('{}')
      return
    }
    if (target && answered >= statuses.length) return forward(incoming, response, target)
    const status = statuses[Math.min(answered, statuses.length - 1)]
    if (incoming.method === 'HEAD') {
      response.writeHead(status).end()
      return
    }
    answered++
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    response.end(body)
  })
}

let registry: RunningServer
const IMAGE_PATH = 'sbr/untrusted-buildkit:1'

beforeAll(async () => {
  requireDocker()
  neverLog(PASSWORD)
  registry = await startRegistry()
  // The builder's image, at the registry the daemon will pull it from (through a hostile proxy).
  const target = `${registry.host}/${IMAGE_PATH}`
  execFileSync('docker', ['tag', BUILDKIT_IMAGE, target], { stdio: 'pipe' })
  try {
    execFileSync('docker', ['push', target], { stdio: 'pipe' })
  } finally {
    spawnSync('docker', ['rmi', target], { stdio: 'ignore' })
  }
}, 120000)

afterAll(async () => {
  await tearDownAll()
  await registry?.stop()
})

/** No command the runner would take from a body: none forged, none ignored, so every mask holds. */
function expectOnlyOwnCommands(step: StepResult): void {
  const commands = workflowCommands(step.log)
  // The step's own commands may quote a body (a warning about the mirror): none may be one of the body's.
  const forged = commands.filter(
    ({ name, line }) => name === 'stop-commands' || name === 'set-env' || /^\s*::error title=Forged/.test(line)
  )
  expect(forged).toEqual([])
  expect(commands.filter(command => !command.processed)).toEqual([])
}

describe('text from the network in the step log', () => {
  it('a mirror and a registry whose error bodies carry workflow commands: shown, neutralized; later masks hold; the builder boots and pushes', async () => {
    // The mirror fails the fetch (503, retried, then 404); the daemon's pull is refused once (403), then served.
    const mirror = await startHostile([503, 404], forgedBody('UNAVAILABLE', 'MIRRORTOKEN'))
    const upstream = await startHostile([403], forgedBody('DENIED', 'DAEMONTOKEN'), registry)
    const image = `${upstream.host}/${IMAGE_PATH}`
    try {
      const job = newTestJob()
      mkdirSync(job.dockerConfig, { recursive: true })
      writeFileSync(
        join(job.dockerConfig, 'config.json'),
        JSON.stringify({ auths: { [registry.host]: { auth: EARLIER_AUTH } } })
      )
      const main = await setUp(job, {
        registries: `${registry.host} http\n${mirror.host} http`,
        mirror: `${upstream.host}=${mirror.host}`,
        'driver-opts': `image=${image}`,
        credentials: `${registry.host}=ci:${PASSWORD}`
      })
      expect(main.exitCode).toBe(0)

      expectOnlyOwnCommands(main)
      // Both bodies reached the log, neutralized: the mirror's in the fetch's retry line, the
      // registry's in the daemon's pull error.
      expect(main.log).toMatch(
        new RegExp(
          `${mirror.host}: .*answered 503 UNAVAILABLE: Service Unavailable\\\\n:\u200b:stop-commands::MIRRORTOKEN.*retrying in 1 s`
        )
      )
      expect(main.log).toMatch(/denied: Service Unavailable\\n:\u200b:stop-commands::DAEMONTOKEN.*retrying in 1 s/)
      expect(main.log).toContain(`pulled by the daemon from ${upstream.host}`)
      // The entry the step replaced is masked after both, and the runner takes that mask.
      const laterMask = workflowCommands(main.log).filter(
        command => command.name === 'add-mask' && command.line.includes(EARLIER_AUTH)
      )
      expect(laterMask).toEqual([expect.objectContaining({ processed: true })])
      expect(main.log.indexOf(laterMask[0].line)).toBeGreaterThan(main.log.lastIndexOf('DAEMONTOKEN'))

      const pushed = await buildAndPush(job, `${registry.host}/sbr/untrusted-output:1`)
      expect(pushed).toMatchObject({ status: 0 })
      await expectPushed({ host: registry.host, tls: false }, 'sbr/untrusted-output', '1', pushed.marker)
      const post = await tearDown(job)
      expect(post.exitCode).toBe(0)
      expectOnlyOwnCommands(post)
    } finally {
      spawnSync('docker', ['rmi', image], { stdio: 'ignore' })
      await Promise.all([mirror.stop(), upstream.stop()])
    }
  })
})
