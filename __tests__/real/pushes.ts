import { runLater } from '../../scripts/github-runner.mjs'
import { buildContext } from '../helpers/builds.js'
import { listTags, readImage, type RegistryAccess } from '../helpers/registry-client.js'
import type { TestJob } from './jobs.js'

// The action's promise, as a test checks it: a later step of the job pushes through the builder,
// and the image is at the registry, looked up there.

/**
 * A later `run:` step of the job: `docker buildx build --push -t TAG` of a fresh context (`FROM
 * scratch`, or `contextOptions`' base and RUN step), with `flags`.
 */
export async function buildAndPush(
  job: TestJob,
  tag: string,
  flags: string[] = [],
  contextOptions: Parameters<typeof buildContext>[0] = {}
): Promise<{ status: number; stderr: string; marker: string }> {
  const context = buildContext(contextOptions)
  const build = await runLater(job, 'docker', ['buildx', 'build', ...flags, '--push', '-t', tag, context.dir])
  return { status: build.status, stderr: build.stderr, marker: context.marker }
}

/** The pushed image is at the registry and is the one built (its marker file is in its layers). */
export async function expectPushed(
  access: RegistryAccess,
  repository: string,
  tag: string,
  marker: string
): Promise<void> {
  expect(await listTags(access, repository)).toContain(tag)
  expect((await readImage(access, repository, tag)).layers).toContain(marker)
}
