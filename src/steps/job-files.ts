import { createJobDir, removeJobDir, writePlannedFiles } from '../host/job-dir.js'
import type { Plan } from '../plan/plan.js'
import type { UndoLog } from './state.js'

/**
 * Makes the job directory and writes the plan's files into it, then runs `useThem` (the builder
 * reads them). The directory is recorded for post before it exists, so a job cancelled in between
 * leaves post a directory to remove, never one it does not know of. When `useThem` fails, nothing
 * half-made stays: the directory goes at once, and post finds nothing to undo there.
 */
export async function writeJobFiles(
  plan: Pick<Plan, 'dir' | 'files'>,
  undo: UndoLog,
  useThem: () => Promise<void>
): Promise<void> {
  const removeAndThrow = async (error: unknown): Promise<never> => {
    await removeJobDir(plan.dir)
    undo.add({ jobDir: undefined })
    throw error
  }
  undo.add({ jobDir: plan.dir })
  try {
    await createJobDir(plan.dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return removeAndThrow(error)
    // Something of that name was there already: not this job's to remove, now or in post.
    undo.add({ jobDir: undefined })
    throw error
  }
  try {
    await writePlannedFiles(plan.files, plan.dir)
    await useThem()
  } catch (error) {
    return removeAndThrow(error)
  }
}
