import * as core from '@actions/core'
import { diagnose, type Diagnosis } from './diagnosis.js'
import type { PlannedRegistry, PreflightMode } from '../model.js'
import { probeRegistry } from './probe.js'

export interface PreflightResult extends Diagnosis {
  host: string
  mode: PlannedRegistry['mode']
  ms: number
}

/**
 * Probes every registry and mirror at once, so the whole check costs about
 * one timeout however many registries hang.
 */
export async function runPreflight(registries: PlannedRegistry[], timeoutSeconds: number): Promise<PreflightResult[]> {
  return core.group(`Preflight: ${registries.length} ${registries.length === 1 ? 'registry' : 'registries'}`, async () => {
    const results = await Promise.all(
      registries.map(async registry => {
        const facts = await probeRegistry(registry, timeoutSeconds * 1000)
        return { host: registry.host.text, mode: registry.mode, ms: facts.ms, ...diagnose(registry, facts, timeoutSeconds) }
      })
    )
    for (const result of results) core.info(`${result.ok ? 'ok  ' : 'FAIL'} ${describe(result)} (${result.mode}, ${result.ms} ms)`)
    return results
  })
}

/** Thrown in `preflight: error` mode, before anything is written or created. */
export class PreflightError extends Error {
  constructor(failures: PreflightResult[]) {
    super(`Preflight found ${failures.length} registr${failures.length === 1 ? 'y' : 'ies'} that a build would fail on:\n${failures.map(failure => `- ${describe(failure)}`).join('\n')}`)
    this.name = 'PreflightError'
  }
}

/** Annotates each failure (warn) or stops the step (error). */
export function enforcePreflight(results: PreflightResult[], mode: PreflightMode): void {
  const failures = results.filter(result => !result.ok)
  if (mode === 'error' && failures.length > 0) throw new PreflightError(failures)
  for (const failure of failures) {
    core.warning(describe(failure), { title: `Registry preflight: ${failure.host}` })
  }
}

/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result: PreflightResult): string {
  return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`
}
