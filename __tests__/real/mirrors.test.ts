import { bootDriverOpts, pushBaseImage } from '../helpers/builds.js'
import { readImage } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll } from './jobs.js'
import { buildAndPush } from './pushes.js'

// Mirrors through booted builders. Nothing on the internet is reachable here, so a base image
// that resolves at all can only have come through the mirror; its request log shows it did.

let mirror: RunningServer

beforeAll(async () => {
  requireDocker()
  mirror = await startRegistry({ logRequests: true })
})

afterAll(async () => {
  await tearDownAll()
  await mirror?.stop()
})

describe('mirrors', () => {
  it('a Docker Hub mirror: `FROM busybox` resolves through it, and the image built on it is pushed', async () => {
    pushBaseImage(`${mirror.host}/library/busybox:latest`)
    const job = newTestJob()
    const main = await setUp(job, {
      mirror: mirror.host,
      registries: `${mirror.host} http`,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)

    const build = await buildAndPush(job, `${mirror.host}/sbr/on-busybox:1`, [], {
      from: 'busybox',
      run: 'cat /marker.txt > /copied-by-run.txt'
    })
    expect(build).toMatchObject({ status: 0 })
    // BuildKit resolves the tag with HEAD (or GET), naming the upstream in `ns`.
    expect(mirror.output()).toMatch(/"(HEAD|GET) \/v2\/library\/busybox\/manifests\/latest\?ns=docker\.io HTTP/)
    const image = await readImage({ host: mirror.host, tls: false }, 'sbr/on-busybox', '1')
    // The RUN step ran in busybox's shell: its copy of the marker is in the image.
    expect(image.layers).toContain('copied-by-run.txt')
    expect(image.layers).toContain(build.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
  })

  it('a mirror with a path prefix for another registry, whose own name resolves nowhere', async () => {
    // Harbor-style proxy project: the mirror serves upstream's team/base under prefix/team/base.
    pushBaseImage(`${mirror.host}/proxy-cache/team/base:1`)
    const upstream = 'upstream.sbr-test.invalid:5000'
    const job = newTestJob()
    const main = await setUp(job, {
      mirror: `${upstream}=${mirror.host}/proxy-cache`,
      registries: `${mirror.host} http`,
      'driver-opts': bootDriverOpts()
    })
    expect(main.exitCode).toBe(0)

    const build = await buildAndPush(job, `${mirror.host}/sbr/on-upstream:1`, [], {
      from: `${upstream}/team/base:1`,
      run: 'ls /bin/busybox'
    })
    expect(build).toMatchObject({ status: 0 })
    const ns = encodeURIComponent(upstream).replace(/\./g, '\\.')
    expect(mirror.output()).toMatch(new RegExp(`"(HEAD|GET) /v2/proxy-cache/team/base/manifests/1\\?ns=${ns} HTTP`))
    expect((await readImage({ host: mirror.host, tls: false }, 'sbr/on-upstream', '1')).layers).toContain(build.marker)
    expect((await tearDown(job)).exitCode).toBe(0)
  })
})
