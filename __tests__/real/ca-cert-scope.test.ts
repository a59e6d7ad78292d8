import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { neverLog, runLater, runMain, runPost } from '../../scripts/github-runner.mjs'
import { BUILDKIT_IMAGE, bootDriverOpts, buildkitContainer, pushBaseImage } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { readImage } from '../helpers/registry-client.js'
import { startHttpsServer, startRegistry, type RunningServer } from '../helpers/servers.js'
import { createTestHost, type TestHost } from '../helpers/test-host.js'
import { makeTokenSigner, startTokenService } from '../helpers/token-server.js'
import { builderNames, docker, dockerOk, requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// `ca-cert-scope: all` through booted builders: one company CA, a TLS registry with it that is NOT
// in `registries` (holding the base image), and an HTTPS file server with it. With scope `all` one
// build pulls `FROM` the one and `ADD`s from the other, and is pushed; with the default scope the
// builder trusts neither, and each fails with the x509 error a user sees.

let pki: TestPki
/** A network namespace with a name in /etc/hosts: BuildKit tries plain HTTP first for loopback registries, never for it. */
let testHost: TestHost
/** Where the base image is stored: pushed there by dockerd through a loopback registry, served over TLS by `unlisted`. */
let storage: string
/** TLS with the company CA on the test host, not listed: reached only through the builder's system roots. */
let unlisted: RunningServer
/** The HTTPS server an `ADD https://…` fetches from. */
let files: RunningServer
/** Plain HTTP, listed: where the build is pushed (on loopback, so the builder shares the host's network and /etc/hosts). */
let target: RunningServer
/** What the file server serves: found in the pushed image, it proves the ADD fetched it. */
const fetched = `sbr-fetched-${randomBytes(8).toString('hex')}`
const contexts: string[] = []
const PASSWORD = 'sbr-ca-scope-password-7c2b'

beforeAll(async () => {
  requireDocker()
  neverLog(PASSWORD)
  neverLog(Buffer.from(`ci:${PASSWORD}`).toString('base64'))
  testHost = await createTestHost({ name: 'ca-scope' })
  // localhost: the token realm's name.
  pki = makePki([testHost.name, 'localhost', 'IP:127.0.0.1'])
  // dockerd would push to the test host only if it trusted the CA: it pushes to a loopback
  // registry (insecure to dockerd) that shares the test host registry's storage instead.
  storage = mkdtempSync(join(tmpdir(), 'sbr-ca-scope-storage-'))
  const staging = await startRegistry({ storage })
  try {
    pushBaseImage(`${staging.host}/base/busybox:1`)
  } finally {
    await staging.stop()
  }
  ;[unlisted, files, target] = await Promise.all([
    testHost.startRegistry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      storage,
      logRequests: true
    }),
    startHttpsServer(pki, (request, response) => {
      if (request.url === '/file.txt') response.writeHead(200, { 'content-type': 'text/plain' }).end(`${fetched}\n`)
      else response.writeHead(404).end()
    }),
    startRegistry()
  ])
}, 60000)

afterAll(async () => {
  await tearDownAll()
  await Promise.all([unlisted?.stop(), files?.stop(), target?.stop()])
  await testHost?.destroy()
  if (storage) rmSync(storage, { recursive: true, force: true })
  for (const dir of contexts) rmSync(dir, { recursive: true, force: true })
})

const fileUrl = (): string => `https://${files.host}/file.txt`

/** A context whose Dockerfile is `lines`, plus a fresh marker the pushed image holds. */
function context(lines: string[]): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-ca-scope-'))
  contexts.push(dir)
  const marker = `sbr-marker-${randomBytes(8).toString('hex')}`
  writeFileSync(join(dir, 'marker.txt'), `${marker}\n`)
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`)
  return { dir, marker }
}

/** The build the issue asks for: FROM the unlisted registry, ADD from the HTTPS server, a RUN in the base's shell. */
function fullBuild(): { dir: string; marker: string } {
  return context([
    `FROM ${unlisted.host}/base/busybox:1`,
    `ADD ${fileUrl()} /fetched.txt`,
    'COPY marker.txt /marker.txt',
    'RUN cat /fetched.txt > /copied-by-run.txt'
  ])
}

function build(job: TestJob, dir: string, tag: string): ReturnType<typeof runLater> {
  return runLater(job, 'docker', ['buildx', 'build', '--push', '-t', `${target.host}/${tag}`, dir])
}

describe('ca-cert-scope', () => {
  it('all: FROM a registry not in `registries` and ADD https:// both trust ca-cert; the image is pushed', async () => {
    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${target.host} http`,
      'ca-cert': pki.caCert,
      'ca-cert-scope': 'all',
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).toContain(
      "ca-cert-scope: all: the ca-cert CAs join the builder's system roots via SSL_CERT_DIR=/etc/buildkit/certs/ca-cert-scope.invalid:/etc/ssl/certs:/etc/pki/tls/certs"
    )

    const { dir, marker } = fullBuild()
    const result = await build(job, dir, 'sbr/ca-scope-all:1')
    expect(result).toMatchObject({ status: 0 })
    // The base came from the unlisted registry (nothing else here has it), over TLS with the CA.
    expect(unlisted.output()).toMatch(/"(HEAD|GET) \/v2\/base\/busybox\/manifests\/1 HTTP/)
    const image = await readImage({ host: target.host, tls: false }, 'sbr/ca-scope-all', '1')
    expect(image.layers).toContain(marker)
    // ADD fetched the file, and the base's shell ran the RUN on it.
    expect(image.layers).toContain(fetched)
    expect(image.layers).toContain('copied-by-run.txt')
    // In the builder: the carrier's directory holds the CA, and nothing else.
    const listing = docker(job.dockerConfig, [
      'exec',
      buildkitContainer(builderOf(main.outputs)),
      'ls',
      '/etc/buildkit/certs/ca-cert-scope.invalid'
    ])
    expect(listing.stdout.trim()).toBe('ca.pem')
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('registries (the default): the same build fails on the unlisted registry, and an ADD alone on the file server', async () => {
    const job = newTestJob()
    const main = await setUp(job, {
      registries: `${target.host} http`,
      'ca-cert': pki.caCert,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)
    expect(main.log).not.toContain('ca-cert-scope')

    // The frontend resolves FROM first: the unlisted registry is where it stops.
    const same = await build(job, fullBuild().dir, 'sbr/ca-scope-default:1')
    expect(same.status).not.toBe(0)
    expect(same.stderr).toContain(unlisted.host)
    expect(same.stderr).toMatch(/x509: certificate signed by unknown authority/)

    const addOnly = await build(
      job,
      context(['FROM scratch', `ADD ${fileUrl()} /fetched.txt`]).dir,
      'sbr/ca-scope-default-add:1'
    )
    expect(addOnly.status).not.toBe(0)
    expect(addOnly.stderr).toContain(
      `Get "${fileUrl()}": tls: failed to verify certificate: x509: certificate signed by unknown authority`
    )
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('all: FROM an unlisted token-auth registry whose realm is behind the CA: buildx, on the runner, fetches the token with it', async () => {
    // Harbor's shape: `auth: token`, the realm on HTTPS with the company CA. buildx fetches registry
    // tokens itself, on the runner: the bundle the action exports for later steps must hold the CA.
    const signer = makeTokenSigner()
    const service = 'sbr-ca-scope-registry'
    const issuer = 'sbr-ca-scope-issuer'
    const tokens = await startTokenService({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      signer,
      users: { ci: PASSWORD },
      service,
      issuer
    })
    const harbor = await testHost.startRegistry({
      tls: { certPath: pki.serverCertPath, keyPath: pki.serverKeyPath },
      storage,
      tokenAuth: {
        realm: `https://localhost:${tokens.port}/token`,
        service,
        issuer,
        rootCertBundlePath: signer.certPath
      }
    })
    try {
      const job = newTestJob()
      const main = await setUp(job, {
        registries: `${target.host} http`,
        credentials: `${harbor.host}=ci:${PASSWORD}`,
        'ca-cert': pki.caCert,
        'ca-cert-scope': 'all',
        'driver-opts': bootDriverOpts()
      })
      expect(main.exitCode).toBe(0)

      const { dir, marker } = context([
        `FROM ${harbor.host}/base/busybox:1`,
        'COPY marker.txt /marker.txt',
        'RUN ls /bin/busybox'
      ])
      const result = await build(job, dir, 'sbr/ca-scope-token:1')
      expect(result).toMatchObject({ status: 0 })
      expect(main.log).toContain('the ca-cert CAs for every host (ca-cert-scope: all)')
      // The token for the pull came from the realm, asked for as ci (by buildx, with the exported bundle).
      expect(tokens.requests).toContainEqual(
        expect.objectContaining({
          user: 'ci',
          status: 200,
          scopes: expect.arrayContaining(['repository:base/busybox:pull'])
        })
      )
      expect((await readImage({ host: target.host, tls: false }, 'sbr/ca-scope-token', '1')).layers).toContain(marker)
      expect((await tearDown(job)).exitCode).toBe(0)
    } finally {
      await Promise.all([harbor.stop(), tokens.stop()])
    }
  })

  it('all with an appended node: that node gets the roots too, and a build it runs ADDs from the file server and is pushed', async () => {
    const job = newTestJob()
    // buildx refuses a second node with the first one's endpoint: the same daemon through a context of the job's own.
    dockerOk(job.dockerConfig, ['context', 'create', 'sbr-same-daemon', '--docker', 'host=unix:///var/run/docker.sock'])
    const extra = `sbr-ca-scope-${randomBytes(4).toString('hex')}`
    const main = await setUp(job, {
      registries: `${target.host} http`,
      'ca-cert': pki.caCert,
      'ca-cert-scope': 'all',
      'driver-opts': bootDriverOpts(),
      platforms: 'linux/amd64',
      // Another platform, so that `--platform linux/arm64` builds on it (an ADD runs nothing: no emulation).
      append: [
        `- name: ${extra}`,
        '  endpoint: sbr-same-daemon',
        '  platforms: linux/arm64',
        '  driver-opts:',
        `    - image=${BUILDKIT_IMAGE}`
      ].join('\n')
    })
    expect(main.exitCode).toBe(0)
    const env = dockerOk(job.dockerConfig, [
      'container',
      'inspect',
      '--format',
      '{{json .Config.Env}}',
      `buildx_buildkit_${extra}`
    ])
    expect(env).toContain('SSL_CERT_DIR=/etc/buildkit/certs/ca-cert-scope.invalid:/etc/ssl/certs:/etc/pki/tls/certs')

    const { dir, marker } = context(['FROM scratch', `ADD ${fileUrl()} /fetched.txt`, 'COPY marker.txt /marker.txt'])
    const result = await runLater(job, 'docker', [
      'buildx',
      'build',
      '--platform',
      'linux/arm64',
      '--provenance=false',
      '--push',
      '-t',
      `${target.host}/sbr/ca-scope-append:1`,
      dir
    ])
    expect(result).toMatchObject({ status: 0 })
    // The appended node fetched the file (its cache holds the download); the first, linux/amd64 only, did not.
    const cacheOf = (container: string): string =>
      dockerOk(job.dockerConfig, ['exec', container, 'buildctl', 'du', '--verbose'])
    expect(cacheOf(`buildx_buildkit_${extra}`)).toContain(fileUrl())
    expect(cacheOf(buildkitContainer(main.outputs.name))).not.toContain(fileUrl())
    const image = await readImage({ host: target.host, tls: false }, 'sbr/ca-scope-append', '1')
    expect(image.layers).toContain(fetched)
    expect(image.layers).toContain(marker)
    expect((await tearDown(job)).exitCode).toBe(0)
    expect(docker(job.dockerConfig, ['container', 'inspect', `buildx_buildkit_${extra}`]).status).not.toBe(0)
  })

  it.each([
    [{ driver: 'docker' }, "Input 'ca-cert-scope': cannot apply with `driver: docker`"],
    [{ 'driver-opts': 'env.SSL_CERT_DIR=/certs' }, "Input 'driver-opts': the first node sets env.SSL_CERT_DIR"],
    [{ 'ca-cert': '' }, "Input 'ca-cert-scope': is `all`, but `ca-cert` is empty"]
  ])('all with %j fails naming the input and the fix, and writes or creates nothing', async (badInputs, message) => {
    const job = newTestJob()
    const inputs = { 'ca-cert': pki.caCert, 'ca-cert-scope': 'all', bootstrap: 'false', ...badInputs }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(`::error::${message}`)
    expect(main.log).toMatch(/Fix: /)
    expect(existsSync(job.runnerTemp) ? readdirSync(job.runnerTemp, { recursive: true }) : []).toEqual([])
    expect(builderNames(job.dockerConfig)).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
  })
})

function builderOf(outputs: Record<string, string>): string {
  if (!outputs.name) throw new Error(`no \`name\` output: ${JSON.stringify(outputs)}`)
  return outputs.name
}
