import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { readdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../model.js'
import { buildxStoreDir } from '../paths.js'
import { CREATE_NEW, ifExists, inSharedDirSync, missingDirs, removeDirIfEmpty, stagedPath } from './file-write.js'
import { isJobId } from './job-dir.js'
import { isJobOwner, type JobOwner } from './process/job-owner.js'

// Main's undo record, kept where a later job of this runner finds it when this job dies without
// its post step (the runner's machine lost, its worker killed): beside the builder leases in
// buildx's store, which jobs of one user share. Rewritten whole after each change, removed by post.
// A later job that finds one whose owner is gone takes it over by renaming it to a name of its
// own (`ID.claimed-by-ID.json`): a rename succeeds for one job only, and a claim whose claimer is
// gone in turn is taken over the same way, so a reclaim cut short is finished by the next job.
// 0600: the record holds the client config's replaced entries, which may be credentials.

/** A record as a job wrote it; `undo` is for steps/ to check (its text is untrusted). */
export interface JobRecord {
  owner: JobOwner
  /** For messages: the run and job (jobDescription). */
  job: string
  undo: unknown
}

/** A record found in the store: its file, its job's id, and the job that claimed it, if any. */
export interface FoundRecord {
  path: string
  id: string
  claimedBy?: string
}

const ID = 'setup-buildkit-registry-[0-9a-f]{12}'
const RECORD_NAME = new RegExp(`^(${ID})\\.json$`)
const CLAIMED_NAME = new RegExp(`^(${ID})\\.claimed-by-(${ID})\\.json$`)

function recordsDir(env: NodeJS.ProcessEnv): string {
  return join(buildxStoreDir(env), 'setup-buildkit-registry-jobs')
}

/** Where the record of job `id` (its job directory's name) is kept. */
export function jobRecordPath(id: string, env: NodeJS.ProcessEnv): string {
  return join(recordsDir(env), `${id}.json`)
}

/** Whether `path` is where a job's record is kept (for post's proof of a saved path). */
export function isJobRecordPath(path: string, env: NodeJS.ProcessEnv): boolean {
  const id = RECORD_NAME.exec(basename(path))?.[1]
  return id !== undefined && path === jobRecordPath(id, env)
}

/**
 * The directories above the records' one that keeping a record at `path` makes: buildx's store,
 * and the Docker client config's directory on a runner that has none; outermost first.
 */
export function storeDirsToMake(path: string): string[] {
  return missingDirs(dirname(dirname(path)))
}

/**
 * Writes the record whole (a new 0600 file, then renamed over the old), synchronously: main saves
 * its undo record at once at each change, as it saves GITHUB_STATE.
 */
export function writeJobRecordSync(path: string, record: JobRecord): void {
  const staged = stagedPath(path)
  const fd = inSharedDirSync(dirname(path), () => openSync(staged, CREATE_NEW, PRIVATE_FILE_MODE), 0o700)
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE)
    writeFileSync(fd, `${JSON.stringify(record)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(staged, path)
  } catch (error) {
    rmSync(staged, { force: true })
    throw error
  }
}

/** Every record and claimed record in the store (none when there is no store). */
export async function listJobRecords(env: NodeJS.ProcessEnv): Promise<FoundRecord[]> {
  const dir = recordsDir(env)
  const names = await readdir(dir).catch(() => [] as string[])
  return names.flatMap(name => {
    const record = RECORD_NAME.exec(name)
    if (record) return [{ path: join(dir, name), id: record[1] }]
    const claimed = CLAIMED_NAME.exec(name)
    return claimed ? [{ path: join(dir, name), id: claimed[1], claimedBy: claimed[2] }] : []
  })
}

/** The record at `path`; undefined when it is gone or not a record's shape. */
export async function readJobRecord(path: string): Promise<JobRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(path, 'utf8')) as Partial<JobRecord> | null
    if (!record || !isJobOwner(record.owner) || typeof record.undo !== 'object' || record.undo === null)
      return undefined
    return { owner: record.owner, job: typeof record.job === 'string' ? record.job : '', undo: record.undo }
  } catch {
    return undefined
  }
}

/**
 * Takes `found` over for job `claimer`: renamed to `ID.claimed-by-CLAIMER.json`. Returns the new
 * path, or undefined when another job took it first (the file is no longer there).
 */
export async function claimJobRecord(found: FoundRecord, claimer: string): Promise<string | undefined> {
  if (!isJobId(claimer)) throw new Error(`'${claimer}' is not a job id`)
  const claimed = join(dirname(found.path), `${found.id}.claimed-by-${claimer}.json`)
  return ifExists(rename(found.path, claimed).then(() => claimed))
}

/**
 * Removes a record (post's own, or one reclaimed), and the staged copies of it a job killed
 * mid-write left (writeJobRecordSync); nothing when it is gone.
 */
export async function removeJobRecord(path: string): Promise<void> {
  await rm(path, { force: true })
  const dir = dirname(path)
  const prefix = `.${basename(path)}.`
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names.filter(entry => entry.startsWith(prefix) && entry.endsWith('.sbr-tmp')))
    await rm(join(dir, name), { force: true })
  // The last record out takes the records' directory with it (file-write.ts).
  await removeDirIfEmpty(dir)
}
