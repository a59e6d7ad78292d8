import { basename } from 'node:path'
import { driverCapabilities } from '../driver.js'
import type { AppendNode } from '../inputs/append.js'
import type { DiskSpace } from '../inputs/gc-inputs.js'
import type { Inputs } from '../inputs/read-inputs.js'
import type { DockerTrustFacts, NotImported, PlannedFile, PlannedRegistry, RunnerRoots } from '../model.js'
import { withProxyRoute } from '../topology/builder-proxy.js'
import type { TopologyFacts } from '../topology/facts.js'
import { tlsEndpointNote } from '../topology/tls-endpoint.js'
import { deriveTopology, type Topology } from '../topology/topology.js'
import { planBuilder, type BuilderPlan } from './builder-plan.js'
import { planConfig, type ConfigPlan } from './config-plan.js'
import { planTrust, type TrustPlan } from './trust-plan.js'

// The plan: the registries and buildkitd.toml (config-plan.ts), the runner's topology (topology/),
// the builder (builder-plan.ts), and the client's and the daemon's trust (trust-plan.ts), each
// computed once from the inputs and the facts, before anything touches the machine.

/** Everything main will do, computed before anything touches the machine. */
export interface Plan
  extends
    Pick<ConfigPlan, 'configPath' | 'certsDir' | 'toml' | 'overridden'>,
    Pick<BuilderPlan, 'create' | 'warm' | 'builderImage' | 'daemonBuilder'>,
    TrustPlan {
  /** The builder's name: the one created, or the daemon's own (the docker driver). */
  builderName: string
  /** The job's directory: buildkitd.toml and certs/; what a remote buildkitd mounts. */
  dir: string
  /** The job directory's name, unique per job: files the job puts in shared places (certs.d) are named for it. */
  jobId: string
  /**
   * Whether buildkitd.toml and its certificates are written: not for the docker driver, whose
   * builder reads no buildkitd.toml (the daemon's trust is `daemonTrust`).
   */
  writesConfig: boolean
  /** buildkitd.toml and the certificate files, in the order they are written; empty when !writesConfig. */
  files: PlannedFile[]
  /** The registries the config configures, with the proxies preflight goes through to them. */
  registries: PlannedRegistry[]
  /**
   * Where the builder runs and how it reaches the registries (topology/): the context of the job's
   * own it runs on (a TLS endpoint, which post removes), its network, the job container, the proxy.
   */
  topology: Topology
  /** Decisions the action took on the user's behalf, for the log. */
  notes: string[]
  /** `gc-max-used-space`: the builder cache's budget, which the summary shows its disk against. */
  gcBudget?: DiskSpace
  /** `import-docker-trust`: what of the daemon's trust the builder gets, and what it cannot; undefined when off. */
  dockerTrustImport?: { imported: string[]; notImported: NotImported[] }
}

/** What the plan reads of the machine, read before planning so that planning stays pure. */
export interface PlanFacts extends TopologyFacts {
  /** The roots the runner trusts now (SSL_CERT_FILE's file or the system bundle). */
  runnerRoots?: RunnerRoots
  /** What the Docker daemon trusts (`import-docker-trust`); undefined when not asked. */
  dockerTrust?: DockerTrustFacts
}

/** Builds the plan from validated inputs; `dir` is the job's private directory. Pure. */
export function buildPlan(
  inputs: Pick<Inputs, 'config' | 'builder' | 'host'>,
  dir: string,
  append: AppendNode[],
  facts: PlanFacts
): Plan {
  const jobId = basename(dir)
  const config = planConfig(inputs, dir, append, facts.dockerTrust)
  const topology = deriveTopology({
    builder: inputs.builder,
    hosts: config.hosts,
    registries: config.registries,
    facts,
    jobId
  })
  // Preflight goes through the proxies a push and a token fetch will take.
  const registries = withProxyRoute(config.registries, topology.proxy, inputs.builder.proxyEnv ?? {})
  const builder = planBuilder(inputs, dir, append, config, topology, registries)
  const everywhereCa = config.caScope ? (inputs.config.caCert ?? '') : ''
  const writesConfig = !driverCapabilities(inputs.builder.driver).daemonBuilder
  const { docker, gc } = config
  return {
    builderName: inputs.builder.name,
    dir,
    jobId,
    configPath: config.configPath,
    certsDir: config.certsDir,
    toml: config.toml,
    writesConfig,
    files: writesConfig ? [...config.files, ...builder.files] : [],
    registries,
    create: builder.create,
    topology,
    overridden: config.overridden,
    notes: planNotes(inputs, config, builder, topology),
    ...planTrust(inputs, registries, dir, jobId, facts.runnerRoots, everywhereCa),
    gcBudget: gc?.budget,
    warm: builder.warm,
    builderImage: builder.builderImage,
    daemonBuilder: builder.daemonBuilder,
    dockerTrustImport: docker && { imported: docker.imported, notImported: docker.notImported }
  }
}

/** The log's account of the decisions the sub-planners took, in the order a reader follows them. */
function planNotes(
  inputs: Pick<Inputs, 'config' | 'builder'>,
  config: ConfigPlan,
  builder: BuilderPlan,
  topology: Topology
): string[] {
  const notes = [...(config.docker?.notes ?? []), ...builder.notes]
  if (config.gc) notes.push(config.gc.note)
  if (inputs.config.importDockerTrust && driverCapabilities(inputs.builder.driver).daemonBuilder)
    notes.push(
      "import-docker-trust has nothing to do with `driver: docker`: the daemon's own builder already uses " +
        "the daemon's certs.d, insecure-registries and registry-mirrors"
    )
  notes.push(...(config.caScope?.notes ?? []))
  if (topology.context) notes.push(tlsEndpointNote(topology.context))
  return notes
}
