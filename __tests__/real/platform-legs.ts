import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runLater } from '../../scripts/github-runner.mjs'
import { buildContext } from '../helpers/builds.js'
import { readManifest, type RegistryAccess } from '../helpers/registry-client.js'
import type { TestJob } from './jobs.js'

// One platform's leg of a matrix build, as Docker's "distribute build across multiple runners"
// pattern has it: a later step of the job builds one platform through the job's builder and pushes
// it by digest only (no tag), and the digest is what the merge gets.

/** The output of a leg: an image `name` pushed by digest, with no tag. */
export function byDigestOutput(name: string): string {
  return `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true`
}

/**
 * `docker buildx build --platform PLATFORM --output <by digest>` of a fresh `FROM scratch` context
 * (its marker file says which leg it is); returns the digest buildx reports (metadata file).
 */
export async function pushLeg(
  job: TestJob,
  name: string,
  platform: string
): Promise<{ status: number; stderr: string; digest: string }> {
  const context = buildContext()
  const metadata = join(mkdtempSync(join(tmpdir(), 'sbr-leg-')), 'metadata.json')
  const build = await runLater(job, 'docker', [
    'buildx',
    'build',
    '--platform',
    platform,
    '--output',
    byDigestOutput(name),
    '--metadata-file',
    metadata,
    context.dir
  ])
  const digest =
    build.status === 0
      ? String((JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, unknown>)['containerimage.digest'])
      : ''
  return { status: build.status, stderr: build.stderr, digest }
}

/**
 * The image manifests a reference stands for at the registry: itself when it is an image manifest,
 * its entries when it is an index (buildx's provenance makes a leg an index of the image and its
 * attestation), each with its platform (`unknown/unknown` for an attestation).
 */
export async function imageManifests(
  access: RegistryAccess,
  repository: string,
  reference: string
): Promise<{ digest: string; platform: string }[]> {
  const manifest = await readManifest(access, repository, reference)
  if (!manifest.manifests) return [{ digest: reference, platform: '' }]
  return manifest.manifests.map(entry => ({
    digest: entry.digest,
    platform: entry.platform ? `${entry.platform.os}/${entry.platform.architecture}` : ''
  }))
}
