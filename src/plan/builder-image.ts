import { driverCapabilities } from '../driver.js'
import { InputError } from '../inputs/input-error.js'
import type { BuilderInputs, ConfigInputs } from '../inputs/read-inputs.js'
import { ImageReferenceError, parseImageReference, withDefaultTag, type ImageReference } from '../image-reference.js'
import type { Credential, PlannedRegistry } from '../model.js'

// The image a docker-container builder boots from, and where the action fetches it when the daemon
// lacks it. buildx (v0.13.1 to v0.29.1, driver/docker-container/driver.go create) asks the daemon to
// pull the image at every boot and, when that pull fails, boots from a local image of exactly that
// name ("pulling failed, using local image"). The daemon's pull never goes through the `mirror`
// input (the daemon reads no buildkitd.toml), so the action loads the image under that name first.

/**
 * buildx's default (driver/bkimage): the docker-container driver has no rootless variant (only kubernetes's
 * `rootless=true` has).
 */
export const DEFAULT_BUILDKIT_IMAGE = 'moby/buildkit:buildx-stable-1'

/** One mirror of the image's registry, with the settings the builder gets for it. */
export interface BuilderImageMirror {
  /** The mirror as the plan configures it for BuildKit: transport, CA, keypair, proxy variables. */
  registry: PlannedRegistry
  /** The mirror's repository prefix (`/proxy-project`), '' for none: BuildKit asks for /v2{path}/{repository}. */
  path: string
  /** The `username`/`password`/`credentials` inputs for the mirror; the stored login is looked up on the runner. */
  credential?: Credential
}

/** What the action does about the builder's image before `buildx create`. */
export interface BuilderImagePlan {
  /** The name buildx boots: the `image=` driver option as written, or buildx's default. */
  name: string
  reference: ImageReference
  /** The mirrors the `mirror` input gives its registry, in order; empty: the daemon pulls it itself. */
  mirrors: BuilderImageMirror[]
  /** `endpoint` of the first node ('' for the current context): the daemon the image must be in. */
  endpoint: string
  /**
   * Whether the create boots the builder (`bootstrap`): then a missing image fails the step before
   * the create. Else the builder boots at its first build: the image is loaded through a mirror if
   * it can be, and a failure is a warning.
   */
  bootsNow: boolean
}

/** The first node's `image=` driver option (the last one written wins, as buildx reads options into a map). */
export function imageOption(driverOpts: string[]): string | undefined {
  let image: string | undefined
  for (const option of driverOpts) if (option.startsWith('image=')) image = option.slice('image='.length).trim()
  return image || undefined
}

/**
 * The builder's image and the mirrors to fetch it through; undefined for drivers that boot no
 * image in a Docker daemon (docker, remote, kubernetes: the cluster pulls). `registries` are the
 * plan's, so a mirror gets exactly the transport and trust the builder gets for it. Pure.
 */
export function planBuilderImage(
  builder: BuilderInputs,
  config: Pick<ConfigInputs, 'mirrors'>,
  registries: PlannedRegistry[],
  credentials: Credential[]
): BuilderImagePlan | undefined {
  if (!driverCapabilities(builder.driver).container) return undefined
  const name = imageOption(builder.driverOpts) ?? DEFAULT_BUILDKIT_IMAGE
  let reference: ImageReference
  try {
    reference = withDefaultTag(parseImageReference(name))
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error
    throw new InputError(
      'driver-opts',
      `image=${name}: ${error.message}`,
      "write image=NAME[:TAG][@DIGEST] as `docker pull` takes it, or leave it out for buildx's default"
    )
  }
  const mirrors: BuilderImageMirror[] = []
  for (const line of config.mirrors) {
    if (line.upstream.text.toLowerCase() !== reference.registry.toLowerCase()) continue
    for (const mirror of line.mirrors) {
      const registry = registries.find(each => each.host.text.toLowerCase() === mirror.host.text.toLowerCase())
      if (!registry) continue
      const credential = credentials.find(each => each.host.toLowerCase() === mirror.host.text.toLowerCase())
      mirrors.push({ registry, path: mirror.path, credential })
    }
  }
  return { name, reference, mirrors, endpoint: builder.endpoint, bootsNow: builder.bootstrap }
}
