import * as core from '@actions/core'
import { EOL } from 'node:os'
import type { DiskSpace } from '../inputs/gc-inputs.js'
import { measureBuilderDisk } from '../host/builder/builder-disk.js'
import type { UndoRecord } from './state.js'

/**
 * Post: the builder's cache (`docker buildx du`'s total) in the log and the job summary, against
 * the `gc-max-used-space` budget where one is set. One `buildx du`, only for a builder main marked
 * (a budget, or a builder that outlives the job): a builder removed a moment later has no disk to
 * watch. A builder that is not running is not booted to measure it.
 */
export async function reportBuilderDisk(report: NonNullable<UndoRecord['diskReport']>): Promise<void> {
  const disk = await measureBuilderDisk(report.builder)
  const line =
    'failure' in disk
      ? `Builder ${report.builder}'s cache was not measured: ${disk.failure}`
      : `Builder ${report.builder}'s cache: ${disk.text} (\`docker buildx ` +
        `du\`)${againstBudget(disk.bytes, report.budget)}.`
  core.info(line)
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`<p>${toHtml(line)}</p>${EOL}`).write()
}

/**
 * ", within/over the budget of X": a share of the disk is shown, not compared (the disk's size is BuildKit's to
 * know).
 */
export function againstBudget(bytes: number, budget: DiskSpace | undefined): string {
  if (!budget) return ''
  if ('percent' in budget) return `; budget \`gc-max-used-space\` ${budget.text} of the builder's disk`
  // buildx rounds to 4 digits: a total within that rounding of the budget is not called over it.
  const over = bytes > budget.bytes * 1.0005
  return `, ${over ? 'over' : 'within'} the budget \`gc-max-used-space\` ${budget.text} (${budget.bytes} bytes)`
}

function toHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return escaped.replace(/`([^`]+)`/g, '<code>$1</code>')
}
