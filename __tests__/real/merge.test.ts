import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runLater, runMergeStep, type StepResult } from '../../scripts/github-runner.mjs'
import { bootDriverOpts, buildContext } from '../helpers/builds.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { readImage, readManifest, type RegistryAccess } from '../helpers/registry-client.js'
import { startRegistry, type RunningServer } from '../helpers/servers.js'
import { requireDocker } from './docker.js'
import { newTestJob, setUp, tearDown, tearDownAll, type TestJob } from './jobs.js'

// Docker's matrix pattern through the bundles, per registry kind: two legs (linux/amd64 and
// linux/arm64, `FROM scratch` + a file, so no emulation), each a job of its own that pushes by
// digest through the action's builder; then a merge job, the main step and the `merge` bundle
// with the two digests. It ends with the index read back from the registry by its tag.

let pki: TestPki
const servers: RunningServer[] = []

beforeAll(() => {
  requireDocker()
  pki = makePki()
  expect(pki.caCert).toContain('BEGIN CERTIFICATE')
})

afterAll(async () => {
  await tearDownAll()
  await Promise.all(servers.map(server => server.stop()))
})

async function registry(options: Parameters<typeof startRegistry>[0] = {}): Promise<RunningServer> {
  const server = await startRegistry(options)
  servers.push(server)
  return server
}

/** How each job of the pattern sets the action up for a registry kind, and how the test reads it back. */
interface Kind {
  inputs: Record<string, string>
  access: RegistryAccess
  /** Variables of every job (a proxy's). */
  env?: NodeJS.ProcessEnv
}

interface Leg {
  digest: string
  marker: string
}

/** A matrix leg: its own job, the main step, a build of one platform pushed by digest, post. */
async function leg(kind: Kind, name: string, platform: string): Promise<Leg> {
  const job = newTestJob(kind.env)
  const main = await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })
  expect(main.log).not.toContain('::error::')
  expect(main.exitCode).toBe(0)
  const context = buildContext()
  const metadata = join(mkdtempSync(join(tmpdir(), 'sbr-leg-')), 'metadata.json')
  const build = await runLater(job, 'docker', [
    'buildx',
    'build',
    '--platform',
    platform,
    '--metadata-file',
    metadata,
    '--output',
    `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true`,
    context.dir
  ])
  expect(build).toMatchObject({ status: 0 })
  const digest = (JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, string>)['containerimage.digest']
  expect((await tearDown(job)).exitCode).toBe(0)
  return { digest, marker: context.marker }
}

/** Both legs, as two concurrent jobs on one daemon, or one after the other. */
async function legs(kind: Kind, name: string, concurrent: boolean): Promise<Leg[]> {
  if (concurrent) return Promise.all([leg(kind, name, 'linux/amd64'), leg(kind, name, 'linux/arm64')])
  return [await leg(kind, name, 'linux/amd64'), await leg(kind, name, 'linux/arm64')]
}

/** The merge job: main, then the merge bundle with `with`; post. */
async function mergeJob(kind: Kind, inputs: Record<string, string>): Promise<{ job: TestJob; merge: StepResult }> {
  const job = newTestJob(kind.env)
  const main = await setUp(job, { ...kind.inputs, 'driver-opts': bootDriverOpts() })
  expect(main.exitCode).toBe(0)
  const merge = await runMergeStep(job, inputs)
  expect((await tearDown(job)).exitCode).toBe(0)
  return { job, merge }
}

/** The index at `repository:tag` holds each leg's manifests by digest, and is the `digest` output. */
async function expectMerged(
  kind: Kind,
  repository: string,
  tag: string,
  built: Leg[],
  merge: StepResult
): Promise<void> {
  expect(merge.log).not.toContain('::error::')
  expect(merge.exitCode).toBe(0)
  const index = await readManifest(kind.access, repository, tag)
  const held = (index.manifests ?? []).map(entry => entry.digest)
  for (const { digest } of built) {
    // A leg with buildx's provenance pushed an index: its image and attestation manifests are merged in.
    const own = await readManifest(kind.access, repository, digest)
    for (const manifest of own.manifests ?? [{ digest }]) expect(held).toContain(manifest.digest)
  }
  const platforms = (index.manifests ?? []).map(entry => `${entry.platform?.os}/${entry.platform?.architecture}`)
  expect(platforms).toEqual(expect.arrayContaining(['linux/amd64', 'linux/arm64']))
  // Read by tag: the amd64 image (this machine's) is the amd64 leg's, and the tag is the output's digest.
  const image = await readImage(kind.access, repository, tag)
  expect(image.layers).toContain(built[0].marker)
  expect(merge.outputs.digest).toBe(image.digest)
}

describe('matrix legs pushed by digest, merged by the merge sub-action', () => {
  it('plain HTTP: concurrent legs, then the merge', async () => {
    const server = await registry()
    const kind: Kind = { inputs: { registries: `${server.host} http` }, access: { host: server.host, tls: false } }
    const built = await legs(kind, `${server.host}/sbr/app`, true)
    const { merge } = await mergeJob(kind, {
      sources: built.map(each => `${server.host}/sbr/app@${each.digest}`).join('\n'),
      tags: `${server.host}/sbr/app:1.0, ${server.host}/sbr/app:latest`
    })
    await expectMerged(kind, 'sbr/app', '1.0', built, merge)
    expect((await readManifest(kind.access, 'sbr/app', 'latest')).manifests).toHaveLength(
      (await readManifest(kind.access, 'sbr/app', '1.0')).manifests?.length ?? -1
    )
  })
})
