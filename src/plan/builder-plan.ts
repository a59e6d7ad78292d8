import { join } from 'node:path'
import { driverCapabilities } from '../driver.js'
import type { AppendNode } from '../inputs/append.js'
import type { Inputs } from '../inputs/read-inputs.js'
import type { BuilderFingerprint, BuildxCreate, PlannedFile, PlannedRegistry } from '../model.js'
import type { Topology } from '../topology/topology.js'
import { builderFingerprint } from './builder-fingerprint.js'
import { planBuilderImage, type BuilderImagePlan } from './builder-image.js'
import type { ConfigPlan } from './config-plan.js'
import { buildxCreateArgs } from './create-args.js'
import { daemonBuilderReport } from './daemon-builder.js'
import { tlsFiles } from './tls-files.js'

// The builder: what `buildx create` gets on the runner's topology, the files it needs of its own,
// the image it boots, and whether an earlier job's builder can be reused. Pure.

/** What the builder phase will make, and what the log says of it. */
export interface BuilderPlan {
  /** The builder to create; undefined for the docker driver, whose builder the daemon already has. */
  create?: BuildxCreate
  /** The remote driver's TLS files for its endpoint (`endpoint-*` inputs). */
  files: PlannedFile[]
  /** Decisions taken on the user's behalf (network, proxy, flags), for the log. */
  notes: string[]
  /**
   * `cleanup: false` on a docker-container builder on the current context: what makes the builder
   * this job's, so a running one left by an earlier job is reused when it matches (warm).
   */
  warm?: BuilderFingerprint
  /** The image a docker-container builder boots, and the mirrors to load it through; undefined for other drivers. */
  builderImage?: BuilderImagePlan
  /** `driver: docker`: what of the inputs reaches the daemon's builder, and what cannot (warned). */
  daemonBuilder?: { applies: string[]; cannot: string[] }
}

/** The builder for the inputs, `config` and the topology; `registries` are the plan's. Pure. */
export function planBuilder(
  inputs: Pick<Inputs, 'config' | 'builder' | 'host'>,
  dir: string,
  append: AppendNode[],
  config: ConfigPlan,
  topology: Topology,
  registries: PlannedRegistry[]
): BuilderPlan {
  const can = driverCapabilities(inputs.builder.driver)
  const endpoint = endpointTlsFiles(inputs, dir)
  const { context } = topology
  const builder = context ? { ...inputs.builder, endpoint: context } : inputs.builder
  const { create, notes } = buildxCreateArgs(
    builder,
    config.configPath,
    endpoint.opts,
    append,
    topology.choice,
    topology.proxy,
    config.caScope?.driverOpt
  )
  const kept = inputs.builder.nameGiven && !inputs.builder.cleanup && can.container && !context
  return {
    create,
    files: endpoint.files,
    notes,
    warm:
      create && kept
        ? builderFingerprint(dir, config.toml, [...config.files, ...endpoint.files], config.configPath, create)
        : undefined,
    builderImage: planBuilderImage(inputs.builder, inputs.config, registries, inputs.host.credentials),
    daemonBuilder: can.daemonBuilder ? daemonBuilderReport(inputs, registries, append) : undefined
  }
}

/** The remote driver's TLS to its endpoint (`endpoint-*` inputs): files of their own, passed as driver options. */
function endpointTlsFiles(inputs: Pick<Inputs, 'builder'>, dir: string): { files: PlannedFile[]; opts: string[] } {
  const endpointDir = join(dir, 'endpoint')
  const paths = {
    ca: join(endpointDir, 'ca.pem'),
    cert: join(endpointDir, 'cert.pem'),
    key: join(endpointDir, 'key.pem')
  }
  const tls = inputs.builder.endpointTls
  return {
    files: tlsFiles(paths, tls?.ca, tls?.keypair),
    opts: [
      ...(tls?.ca ? [`cacert=${paths.ca}`] : []),
      ...(tls?.keypair ? [`cert=${paths.cert}`, `key=${paths.key}`] : [])
    ]
  }
}
