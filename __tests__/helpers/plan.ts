import type { AppendNode } from '../../src/inputs/append.js'
import type { BuilderInputs, Inputs } from '../../src/inputs/read-inputs.js'
import { buildPlan, type Plan, type PlanFacts } from '../../src/plan/plan.js'
import { planBuilderProxy } from '../../src/topology/builder-proxy.js'

/** What a test says of the runner: any of the facts readPlanFacts reads of the machine. */
export type RunnerFacts = Omit<PlanFacts, 'builderProxy'>

/** The plan's facts on a runner with `runner`'s: the builder's proxy plan made as steps/plan-facts.ts makes it. */
export function factsOf(
  builder: Pick<BuilderInputs, 'driver' | 'driverOpts' | 'proxyEnv'>,
  runner: RunnerFacts = {}
): PlanFacts {
  return { builderProxy: planBuilderProxy(builder.driver, builder.driverOpts, builder.proxyEnv ?? {}), ...runner }
}

/** buildPlan of `inputs` on a runner with `runner`'s facts. */
export function planOf(
  inputs: Pick<Inputs, 'config' | 'builder' | 'host'>,
  dir: string,
  append: AppendNode[] = [],
  runner: RunnerFacts = {}
): Plan {
  return buildPlan(inputs, dir, append, factsOf(inputs.builder, runner))
}
