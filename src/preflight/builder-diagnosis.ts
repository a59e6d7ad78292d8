import { whereConfigured, type PlannedRegistry } from '../model.js'
import { type NetworkFinding } from '../topology/facts.js'
import { failed, type Diagnosis } from './verdict.js'
import type { Topology } from '../topology/topology.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import type { PreflightResult } from './preflight.js'

// What preflight saw from the builder's side: the registry's name resolved and its port connected
// to from inside the BuildKit container (host/builder/dial-from-builder.ts), turned into a verdict. Pure.

/** How far a connection from the builder's network got. */
export interface BuilderSideFacts {
  /**
   * `done`: resolved and connected; `resolve`: the name does not resolve there; `connect`: it
   * resolves, the connection failed; `unchecked`: the check could not run (no container, no tools).
   */
  stage: 'done' | 'resolve' | 'connect' | 'unchecked'
  /** The tool's own words (busybox nc), or why nothing was checked. */
  detail: string
}

/**
 * Reads `busybox timeout -s KILL … busybox nc -w … HOST PORT -e busybox true` run in the BuildKit
 * container: nc says `bad address 'NAME'` for a name that does not resolve and `can't connect to
 * remote host (ADDRESS): …` for a refused or timed-out connection, and exits 0 once connected (the
 * `-e` program ends it). Killed by `timeout` (137), the lookup or the connection hung. Anything
 * else is `docker exec` failing: no running container, or no busybox in its image.
 */
export function readBuilderSide(exitCode: number, stderr: string, timeoutSeconds: number): BuilderSideFacts {
  // busybox nc's words, from inside the BuildKit container: shown neutralized.
  const words = neutralizeUntrustedLine(stderr.trim().split('\n').pop() ?? '')
  if (exitCode === 0) return { stage: 'done', detail: '' }
  if (/bad address/.test(stderr)) return { stage: 'resolve', detail: words }
  if (/can't connect/.test(stderr)) return { stage: 'connect', detail: words }
  if (exitCode === 137)
    return { stage: 'connect', detail: `no answer within ${timeoutSeconds} s: the DNS lookup or the connection hung` }
  return { stage: 'unchecked', detail: words || `exit code ${exitCode}` }
}

/** What the builder is on, for messages: `network=host`, or the daemon's default bridge. */
export function networkText(network: string | undefined): string {
  return network === undefined ? "on the Docker daemon's default bridge network" : `network=${network}`
}

/**
 * The verdict once the builder's side is known: a registry that answered this step but that the
 * builder cannot resolve or connect to fails, with the fix; a verdict that already failed stays
 * (this step's words come first). Without a look from the builder's side, a registry the plan
 * knows the user's network misses (`finding`) fails too. Pure.
 */
export function diagnoseFromBuilder(
  registry: PlannedRegistry,
  verdict: Diagnosis,
  facts: BuilderSideFacts | undefined,
  finding: NetworkFinding | undefined,
  network: string | undefined
): Diagnosis {
  if (!verdict.ok) return verdict
  const builder = `the builder (${networkText(network)})`
  const name = registry.host.hostname
  const fix =
    finding?.fix ??
    (network === undefined
      ? `give ${name} a DNS record the Docker daemon's containers resolve, or put the builder on ` +
        `a network where it resolves (\`network=\` in \`driver-opts\`; \`network=host\` shares this runner's)`
      : `choose a network where ${name} resolves (\`network=\` in \`driver-opts\`; ` +
        `\`network=host\` shares this runner's), or check the host on ${whereConfigured(registry)}`)
  if (facts?.stage === 'resolve')
    return failed(
      'builder-unresolved',
      `${builder} does not resolve ${name}, which this step reached (${facts.detail})`,
      fix
    )
  if (facts?.stage === 'connect')
    return failed(
      'builder-unreachable',
      `${builder} resolves ${name} but cannot connect, though this step did (${facts.detail})`,
      fix
    )
  if (facts?.stage !== 'done' && finding) return failed('builder-unresolved', finding.message, finding.fix)
  return verdict
}

/**
 * The results with the builder's side merged in (diagnoseFromBuilder), in the same order: the
 * topology says the builder's network and what the plan knows it will miss there. Pure.
 */
export function mergeBuilderSide(
  results: PreflightResult[],
  registries: PlannedRegistry[],
  looks: Map<string, BuilderSideFacts>,
  { findings, network }: Pick<Topology, 'findings' | 'network'>
): PreflightResult[] {
  return results.map(result => {
    const registry = registries.find(candidate => candidate.host.text === result.host)
    if (!registry) return result
    const finding = findings.find(candidate => candidate.host === result.host)
    return { ...result, ...diagnoseFromBuilder(registry, result, looks.get(result.host), finding, network) }
  })
}
