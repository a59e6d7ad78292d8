import * as runner from '../runner.js'
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
 * one timeout however many registries hang. Logs nothing, so that it can run
 * while the builder boots: reportPreflight logs the results afterwards.
 */
export async function runPreflight(registries: PlannedRegistry[], timeoutSeconds: number): Promise<PreflightResult[]> {
  return Promise.all(
    registries.map(async registry => {
      const facts = await probeRegistry(registry, timeoutSeconds * 1000)
      return {
        host: registry.host.text,
        mode: registry.mode,
        ms: facts.ms,
        ...diagnose(registry, facts, timeoutSeconds)
      }
    })
  )
}

/** One line per registry, in a folded group of the log. */
export function reportPreflight(results: PreflightResult[]): void {
  runner.startGroup(`Preflight: ${results.length} ${results.length === 1 ? 'registry' : 'registries'}`)
  for (const result of results)
    runner.info(`${result.ok ? 'ok  ' : 'FAIL'} ${describe(result)} (${result.mode}, ${result.ms} ms)`)
  runner.endGroup()
}

/** Thrown in `preflight: error` mode, before anything is written or created. */
export class PreflightError extends Error {
  constructor(failures: PreflightResult[]) {
    super(
      `Preflight found ${failures.length} registr${failures.length === 1 ? 'y' : 'ies'} that a build would fail on:\n${failures.map(failure => `- ${describe(failure)}`).join('\n')}`
    )
    this.name = 'PreflightError'
  }
}

/** Annotates each failure (warn) or stops the step (error). */
export function enforcePreflight(results: PreflightResult[], mode: PreflightMode): void {
  const failures = results.filter(result => !result.ok)
  if (mode === 'error' && failures.length > 0) throw new PreflightError(failures)
  for (const failure of failures) {
    runner.warning(describe(failure), { title: `Registry preflight: ${failure.host}` })
  }
}

/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result: PreflightResult): string {
  return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`
}
