import { createJobDir, removeJobDir, writePlannedFiles } from '../host/job-dir.js'
import type { Plan } from '../plan/plan.js'
import type { UndoLog } from './state.js'

/**
 * Makes the job directory and writes the plan's files into it, then runs `useThem` (the builder
 * reads them). The directory is recorded for post before it exists, so a job cancelled in between
 * leaves post a directory to remove, never one it does not know of. When `useThem` fails, nothing
 * half-made stays: the directory goes at once, and post finds nothing to undo there.
 */
export async function writeJobFiles(plan: Plan, undo: UndoLog, useThem: () => Promise<void>): Promise<void> {
  undo.add({ jobDir: plan.dir })
  try {
    await createJobDir(plan.dir)
    await writePlannedFiles(plan.files, plan.dir)
    await useThem()
  } catch (error) {
    await removeJobDir(plan.dir)
    undo.add({ jobDir: undefined })
    throw error
  }
}
