import * as core from '@actions/core'
import { basename } from 'node:path'
import { newJobDirPath } from '../host/job-dir.js'
import { findJobContainer } from '../host/runner-network.js'
import { readAppendNodes } from '../inputs/append.js'
import { readInputs } from '../inputs/read-inputs.js'
import { runnerTempDir } from '../paths.js'
import { buildPlan, type Plan } from '../plan/plan.js'
import { ensureBuilderImage } from './builder-image-phase.js'
import { addBuildxAlias, createJobBuilder, ensureBuildxFor } from './builder-phase.js'
import { isCancelled, stopOnCancel } from './cancellation.js'
import { openDaemonAccessIfPlanned, requireDockerCli, refuseLinkedInstallConfig, warnContainerJob } from './checks.js'
import { changeHost } from './host-changes.js'
import { writeJobFiles } from './job-files.js'
import { startOutputLookup } from './outputs.js'
import { readPlanFacts } from './plan-facts.js'
import { logPlan } from './plan-log.js'
import { Preflight } from './preflight-phase.js'
import type { Reclaimed } from './reclaim-items.js'
import { keepRecordAndReclaim } from './reclaim-phase.js'
import { UndoLog } from './state.js'
import { writeSummary } from './summary.js'

/**
 * The main step, phase by phase. Nothing touches the machine before the job files are written:
 * bad input, a missing docker, a failed `error`-mode preflight or a daemon the job cannot write to
 * fail the step first. Every change after that is in the undo record before it is made, so the
 * post step can undo it whenever the job stops. Every failure ends in one setFailed.
 */
export async function runMain(): Promise<void> {
  stopOnCancel()
  const undo = new UndoLog()
  // For the summary and the failure path: how far the step got.
  let planned: Plan | undefined
  let preflight: Preflight | undefined
  const notes: string[] = []
  let reclaimed: Reclaimed[] = []
  try {
    const inputs = readInputs()
    const append = await readAppendNodes(inputs.builder.appendYaml)
    requireDockerCli()
    const jobDir = newJobDirPath(runnerTempDir(process.env))
    // Before anything is made, and before the daemon's trust is read: what crashed jobs left goes first.
    const jobContainer = findJobContainer()
    reclaimed = await keepRecordAndReclaim(inputs.host.reclaim !== false, jobDir, (await jobContainer)?.id, undo)
    const facts = await readPlanFacts(inputs, jobContainer)
    const plan = (planned = buildPlan(inputs, jobDir, append, facts))
    logPlan(plan, inputs)
    warnContainerJob(inputs, plan)
    await refuseLinkedInstallConfig(inputs.host.installConfig)
    const checks = (preflight = new Preflight(plan, inputs))
    if (inputs.preflight.mode === 'error') await checks.settle()
    const daemon = await openDaemonAccessIfPlanned(plan)
    await ensureBuildxFor(inputs.builder, undo, basename(jobDir))

    // `warn` mode: the probes run while the builder boots.
    await writeJobFiles(plan, undo, async () => {
      // The image the builder boots, through the `mirror` when the daemon lacks it: before the create,
      // so a failure leaves no builder.
      await ensureBuilderImage(plan)
      await createJobBuilder(plan, inputs, undo, () => checks.start())
    })
    // Settling now also looks from the builder's network (in `error` mode: a second look).
    checks.builderIsUp()
    await addBuildxAlias(inputs.builder, undo)
    const outputs = startOutputLookup(plan, inputs.builder)
    const results = await checks.settle()
    notes.push(...(await changeHost(plan, inputs.host, daemon, undo, results)))
    await outputs.set()
    core.info(
      `Builder ${inputs.builder.name} is ready${inputs.builder.use ? ' and is now the default for docker buildx' : ''}.`
    )
  } catch (error) {
    // A failed create is often what preflight explains: its findings come too.
    await preflight?.settle().catch(() => undefined)
    const message = error instanceof Error ? error.message : String(error)
    core.setFailed(
      isCancelled()
        ? `The job was cancelled during this step; the post step removes what it made (${message})`
        : message
    )
  } finally {
    // Once, whatever happened after planning: the run page shows what was set up and what preflight found.
    await preflight?.publish()
    if (planned) await writeSummary(planned, preflight?.results, notes, reclaimed)
  }
}
