import * as core from '@actions/core'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readDockerClientConfig, storedCredential } from '../docker-client-config.js'
import {
  daemonPlatform,
  imageInDaemon,
  loadArchive,
  pullWithDaemon,
  writeDockerArchive
} from '../host/builder/builder-image.js'
import { referenceText } from '../image-reference.js'
import type { BuilderImageMirror, BuilderImagePlan } from '../plan/builder-image.js'
import type { Plan } from '../plan/plan.js'
import type { PullSource } from '../registry-client/image-pull.js'
import { classifyPullMessage, PULL_ATTEMPTS, retryDelayMs, type FailureKind } from '../registry-client/image-source.js'
import { sleep } from '../sleep.js'
import { cancelSignal, isCancelled } from './cancellation.js'

// Before `buildx create`: the image the builder boots is in the daemon, under the name buildx
// boots, or the step fails here, before anything of the builder exists. buildx asks the daemon to
// pull it at every boot, and boots from the local image when that pull fails (see
// plan/builder-image.ts), so an image loaded here boots a runner that has no way to Docker Hub.
// What is loaded stays, as after any boot: post does not remove it.

/** One way of getting the image that did not work, for the error. */
interface Attempt {
  from: string
  message: string
  kind: FailureKind
}

/** Makes sure the plan's builder image is in the daemon; the fetched files go in the job directory, only meanwhile. */
export async function ensureBuilderImage(plan: Pick<Plan, 'builderImage' | 'dir'>): Promise<void> {
  const image = plan.builderImage
  if (!image) return
  const started = performance.now()
  if (await imageInDaemon(image.endpoint, image.name)) {
    core.info(`Builder image: using ${image.name} from the daemon.`)
    return
  }
  if (!image.bootsNow && image.mirrors.length === 0) {
    // The daemon's pull at the first build is the same pull as here.
    core.info(
      `Builder image: ${image.name} is not in the daemon; it is pulled when the builder boots, at its first build.`
    )
    return
  }
  await core.group(`Builder image: ${image.name} is not in the daemon; fetching it`, async () => {
    const attempts: Attempt[] = []
    // A digest cannot be given to a loaded image (docker load sets tags only): the daemon pulls those.
    const mirrors = image.reference.digest ? [] : image.mirrors
    for (const mirror of mirrors) {
      const attempt = await fromMirror(image, mirror, join(plan.dir, 'builder-image'))
      if (!attempt) {
        core.info(
          `Builder image: ${image.name} loaded from the mirror ${mirror.registry.host.text} in ${seconds(started)}.`
        )
        return
      }
      attempts.push(attempt)
      core.warning(`Builder image: the mirror ${attempt.from} failed: ${attempt.message}`)
    }
    if (isCancelled()) throw new Error(`cancelled while fetching the builder image ${image.name}`)
    if (!image.bootsNow) {
      core.warning(
        `Builder image: ${failureMessage(image, attempts)}. The builder boots at its first build (\`bootstrap: ` +
          'false`), which needs it then'
      )
      return
    }
    const attempt = await fromDaemon(image)
    if (!attempt) {
      core.info(
        `Builder image: ${image.name} pulled by the daemon from ${image.reference.registry} (its own mirrors and ` +
          `logins apply) in ${seconds(started)}.`
      )
      return
    }
    attempts.push(attempt)
    throw new Error(failureMessage(image, attempts))
  })
}

/** Fetches through one mirror and loads the image; undefined when it worked, else why not. */
async function fromMirror(
  image: BuilderImagePlan,
  mirror: BuilderImageMirror,
  dir: string
): Promise<Attempt | undefined> {
  const { registry } = mirror
  const credential = mirror.credential ?? storedCredential(readDockerClientConfig(process.env), registry.host.text)
  const source: PullSource = {
    host: registry.host,
    transport: registry.transport,
    ca: registry.ca,
    keypair: registry.keypair,
    proxyEnv: registry.proxyEnv?.runner,
    credential,
    repository: `${mirror.path.replace(/^\//, '')}${mirror.path ? '/' : ''}${image.reference.repository}`,
    namespace: image.reference.registry
  }
  const from = `${registry.host.text}${mirror.path}`
  const how = `${registry.mode}${credential ? `, as ${credential.username}` : ''}`
  core.info(`Fetching ${referenceText(image.reference)} through the mirror ${from} (${how})`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  try {
    // Loaded only here (most runs find the image in the daemon). The chunk name is the bundler's: the
    // client's users (preflight, the transport probe, this fetch) share one chunk, so one copy of the client.
    const { pullImage } = await import(/* webpackChunkName: "registry-client" */ '../registry-client/image-pull.js')
    const platform = await daemonPlatform(image.endpoint)
    const pulled = await pullImage(source, image.reference.tag ?? 'latest', platform, dir, {
      signal: cancelSignal(),
      log: line => core.info(line)
    })
    const archive = join(dir, 'image.tar')
    // The name buildx boots, normalised (docker.io/moby/buildkit:buildx-stable-1 is moby/buildkit:buildx-stable-1).
    const { registry: host, repository, tag } = image.reference
    await writeDockerArchive(archive, pulled, `${host}/${repository}:${tag ?? 'latest'}`)
    core.info(await loadArchive(image.endpoint, archive))
    return undefined
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const { PullError } = await import(/* webpackChunkName: "registry-client" */ '../registry-client/image-pull.js')
    return { from, message, kind: error instanceof PullError ? error.kind : 'fatal' }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** `docker pull`, tried again on transient failures; undefined when it worked, else why not. */
async function fromDaemon(image: BuilderImagePlan): Promise<Attempt | undefined> {
  const from = `${image.reference.registry} (the daemon's pull)`
  for (let number = 1; ; number++) {
    core.info(`Pulling ${image.name} with the daemon`)
    const result = await pullWithDaemon(image.endpoint, image.name)
    if (result.exitCode === 0) return undefined
    const message = result.error || `docker pull exited with ${result.exitCode}`
    const kind = classifyPullMessage(message)
    if (kind !== 'transient' || number >= PULL_ATTEMPTS || isCancelled()) return { from, message, kind }
    const wait = retryDelayMs(number)
    core.info(`${message}; retrying in ${wait / 1000} s (attempt ${number + 1} of ${PULL_ATTEMPTS})`)
    await sleep(wait)
  }
}

/** The step's error: each way tried and why it failed, then the fix; a rate limit said as one. */
export function failureMessage(
  image: Pick<BuilderImagePlan, 'name' | 'reference' | 'mirrors'>,
  attempts: Attempt[]
): string {
  const tried = attempts.map(attempt => `${attempt.from}: ${attempt.message}`).join('; ')
  const limited = attempts.filter(attempt => attempt.kind === 'rate-limit')
  const hub = image.reference.registry === 'docker.io'
  if (limited.length > 0) {
    const whose = limited.map(attempt => attempt.from).join(', ')
    const mirrorFix =
      image.mirrors.length > 0
        ? `give the mirror credentials (\`credentials\`: ${image.mirrors[0].registry.host.text}=USERNAME:PASSWORD, ` +
          'or `username`/`password` with the mirror listed in `registries`) if it limits anonymous pulls'
        : `pull through a mirror of ${hub ? 'Docker Hub' : image.reference.registry} (\`mirror\`: ` +
          `${image.reference.registry}=MIRROR)`
    const limit = `${hub ? "Docker Hub's" : "the registry's"} rate limit (429 toomanyrequests)`
    return (
      `The builder image ${image.name} could not be fetched: ${limit} from ${whose} (${tried}). ` +
      `Fix: log in to ${image.reference.registry} before this step (docker/login-action; ` +
      "the daemon's pull and buildx's boot use that login, with a higher limit than anonymous pulls), " +
      `or ${mirrorFix}, or load the image into the daemon before this step`
    )
  }
  const mirrorHint =
    image.mirrors.length > 0
      ? `check the mirror (${image.mirrors.map(mirror => mirror.registry.host.text + mirror.path).join(', ')}) ` +
        `serves ${image.reference.repository}`
      : `set \`mirror\` (${image.reference.registry}=MIRROR) when the runner cannot reach ${image.reference.registry}`
  return (
    `The builder image ${image.name} could not be fetched (${tried}). ` +
    `Fix: ${mirrorHint}, or load ${image.name} into the daemon before this step, or name another with ` +
    '`driver-opts`: image=NAME'
  )
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`
}
