import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { leasePath, otherLiveHolder } from '../host/builder/builder-lease.js'
import { warmRecordPath } from '../host/builder/warm-builder.js'
import {
  claimJobRecord,
  jobRecordPath,
  listJobRecords,
  readJobRecord,
  removeJobRecord,
  type FoundRecord,
  type JobRecord
} from '../host/job-record.js'
import { jobDescription, ownJobOwner, whyOwnerIsGone } from '../host/process/job-owner.js'
import { isBuilderName } from '../model.js'
import { runnerTempDir } from '../paths.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { isCancelled } from './cancellation.js'
import { undoRecord } from './post.js'
import { describeUndone, reclaimableUndo, reclaimedLine, type Reclaimed } from './reclaim-items.js'
import type { UndoLog, UndoRecord } from './state.js'

// A runner that dies mid-job (power lost, the OOM killer, a reboot) runs no post step: the job's
// builder, state volume, context, daemon trust and buildx entries stay for good. So each job keeps
// its undo record on the runner (host/job-record.ts), and each job's main, before it makes anything,
// undoes the records of jobs that are provably gone (host/process/job-owner.ts) exactly as their
// post would have (post.ts's undo walk, after undo-proof.ts's proof: text in a record is untrusted).

/**
 * Keeps this job's undo record on the runner from now on, then (`reclaim`) reclaims what jobs that
 * are gone left. Returns what was reclaimed, for the summary.
 */
export async function keepRecordAndReclaim(
  reclaim: boolean,
  jobDir: string,
  jobContainer: string | undefined,
  undo: UndoLog
): Promise<Reclaimed[]> {
  const id = basename(jobDir)
  const owner = ownJobOwner(jobContainer)
  const kept = undo.keepOnRunner({
    path: jobRecordPath(id, process.env),
    owner,
    job: jobDescription(process.env, owner.pid)
  })
  // Only a job whose own record is kept may claim another's: a claim is stale once its claimer's record is gone.
  if (!reclaim || !kept) return []
  const reclaimed: Reclaimed[] = []
  for (const found of await listJobRecords(process.env)) {
    if (found.id === id || found.claimedBy === id) continue
    // Cancelled: no further record is claimed (main's failure path ends the step).
    if (isCancelled()) break
    try {
      reclaimed.push(...(await reclaimOne(found, id)))
    } catch (error) {
      core.warning(neutralizeUntrustedLine(`Could not reclaim ${found.path}: ${(error as Error).message}`))
    }
  }
  return reclaimed
}

/**
 * Why the job of `found` is gone, or undefined while it may run. A claimed record: its claimer's,
 * which is gone with its own record (its post removed it, or a reclaim took it).
 */
async function whyGone(found: FoundRecord, record: JobRecord): Promise<string | undefined> {
  const ownerGone = await whyOwnerIsGone(record.owner)
  if (!found.claimedBy || ownerGone === undefined) return ownerGone
  const claimer = await readJobRecord(jobRecordPath(found.claimedBy, process.env))
  const cutShort = `${ownerGone}; the reclaim job ${found.claimedBy} began was cut short`
  if (!claimer) return cutShort
  const claimerGone = await whyOwnerIsGone(claimer.owner)
  return claimerGone && `${cutShort}: ${claimerGone.replace(/^its /, 'its own ')}`
}

/**
 * Whether the record is of a job of this runner (its job directory is in this RUNNER_TEMP, or it
 * made none): runners sharing a user's buildx store each reclaim their own jobs' records, since
 * the proof takes a job directory, and the daemon.json backup in it, only in this RUNNER_TEMP.
 */
function ofThisRunner(record: JobRecord): boolean {
  const jobDir = (record.undo as UndoRecord).jobDir
  return typeof jobDir !== 'string' || dirname(resolve(jobDir)) === resolve(runnerTempDir(process.env))
}

/** Claims and undoes one record whose job is gone; what it undid. */
async function reclaimOne(found: FoundRecord, ownId: string): Promise<Reclaimed[]> {
  const seen = await readJobRecord(found.path)
  if (!seen || !ofThisRunner(seen)) return []
  const why = await whyGone(found, seen)
  if (why === undefined) return []
  // Renamed to this job's claim first: two jobs never undo one record, and a reclaim cut short
  // leaves a claim the next job finishes (every undo is safe to run twice).
  const claimed = await claimJobRecord(found, ownId)
  if (!claimed) return []
  const record = await readJobRecord(claimed)
  const job = neutralizeUntrustedLine(record?.job ?? '', 200)
  const undo = record ? await undoOfGoneJob(record, found.id) : {}
  // A job that died before it made anything: its record goes, with nothing to say.
  if (Object.keys(undo).length === 0) {
    await removeRecordFiles(claimed, found.id)
    return []
  }
  const items = await core.group(`Reclaiming what ${job || found.id} left (${why})`, async () => {
    const outcomes = await undoRecord(undo, process.env, { step: 'Reclaim', record: `${found.id}'s kept record` })
    return outcomes.flatMap(({ kind, result }) => {
      const what = result === 'undone' ? describeUndone(undo, kind) : undefined
      return what ? [{ job, what: neutralizeUntrustedLine(what), why }] : []
    })
  })
  for (const item of items) core.info(reclaimedLine(item))
  // A reclaim the job's cancellation cut short keeps its claim: once this job is gone, the next one finishes it.
  if (!isCancelled()) await removeRecordFiles(claimed, found.id)
  return items
}

/** The claimed record, and the staged copies of the record the dead job was writing when it died. */
async function removeRecordFiles(claimed: string, id: string): Promise<void> {
  await removeJobRecord(claimed)
  await removeJobRecord(jobRecordPath(id, process.env))
}

/**
 * What of a gone job's record to undo (reclaim-items.ts): its builder only while no live job holds
 * the name now (took the leftover over, or shares it warm) and no warm builder's record names it
 * (a later job made it its warm builder).
 */
async function undoOfGoneJob(record: JobRecord, id: string): Promise<UndoRecord> {
  const undo = record.undo as UndoRecord
  const job = { id, owner: record.owner }
  const name = undo.builder?.name
  if (typeof name !== 'string' || !isBuilderName(name)) return reclaimableUndo(undo, job, false)
  const path = leasePath(name, process.env)
  // The dead job itself (never the record's lease text): a live holder is always another.
  const other = await otherLiveHolder(path, { ...record.owner, builder: name, job: record.job })
  const warm = undo.builder?.removeInPost === true && existsSync(warmRecordPath(path))
  if (other || warm) {
    const why = other ? `a running job holds it now (${other.job})` : 'it is a warm builder of a later job'
    core.info(neutralizeUntrustedLine(`Keeping builder ${name}: ${why}.`))
  }
  return reclaimableUndo(undo, job, !!other || warm)
}
