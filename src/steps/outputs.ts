import * as core from '@actions/core'
import { builderOutputs } from '../host/builder/builder-info.js'
import { inspectBuilder } from '../host/builder/buildx.js'
import type { BuilderInputs } from '../inputs/read-inputs.js'
import type { Plan } from '../plan/plan.js'
import { BUILDER_CONFIG_VARIABLE, builderConfigPaths } from '../paths.js'
import { setOutput } from './output-names.js'

/** The step's outputs, once the builder is up; `set()` writes them. */
export interface OutputLookup {
  set(): Promise<void>
}

/**
 * Starts looking up the outputs docker/setup-buildx-action sets (nodes, platforms, …), which are
 * what `buildx inspect` says; it runs while preflight settles and the host is changed. It costs a
 * round trip into the BuildKit container (100 ms), worth it only when a later step can read them.
 */
export function startOutputLookup(plan: Plan, builder: BuilderInputs): OutputLookup {
  const inspected = stepOutputsReadable(process.env) ? inspectBuilder(plan.builderName) : undefined
  // Awaited in set(); a failure meanwhile must not count as unhandled (which ends node at once).
  inspected?.catch(() => undefined)
  return {
    async set() {
      setOutput('name', plan.builderName)
      if (plan.writesConfig) {
        setOutput('config', plan.configPath)
        setOutput('certs-dir', plan.certsDir)
        setOutput('config-dir', plan.dir)
        // For a later `merge` step (merge/action.yml): the same files, no second copy of a secret;
        // an earlier setup step's stay behind this one's.
        const earlier = builderConfigPaths(process.env).filter(path => path !== plan.configPath)
        core.exportVariable(BUILDER_CONFIG_VARIABLE, [plan.configPath, ...earlier].join(':'))
      }
      if (!inspected) {
        setOutput('driver', builder.driver)
        core.debug(
          'No `id:` on this step, so no later step can read its outputs: platforms, nodes, endpoint, status and ' +
            'flags are not looked up (buildx inspect).'
        )
        return
      }
      const info = await inspected
      if (!info) throw new Error(`buildx does not know builder ${plan.builderName} after creating it`)
      const outputs = builderOutputs(info)
      setOutput('driver', outputs.driver || builder.driver)
      setOutput('platforms', outputs.platforms)
      setOutput('nodes', outputs.nodes)
      setOutput('endpoint', outputs.endpoint)
      setOutput('status', outputs.status)
      setOutput('flags', outputs.flags)
    }
  }
}

/**
 * Whether any later step can read this step's outputs. They are read as `steps.<id>.outputs.*`, so
 * only a step with an `id:` has outputs anyone can read. The runner names the step in GITHUB_ACTION:
 * its id, or, for a step without one, a name it makes up that starts with '__' (`__org_repo`,
 * `__org_repo_2`, `__self`, `__run`), a prefix the workflow parser refuses in ids (actions/runner,
 * IdBuilder). In a composite action the name is scoped (`outer.inner`): the step's own is the last
 * part. Not on a runner (no GITHUB_ACTION): readable, to be safe.
 */
export function stepOutputsReadable(env: NodeJS.ProcessEnv): boolean {
  const name = env.GITHUB_ACTION
  return !name || !name.slice(name.lastIndexOf('.') + 1).startsWith('__')
}
