import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { BUILDX_PLUGIN } from '../host/builder/buildx.js'
import { leasePath } from '../host/builder/builder-lease.js'
import type { TrustRecord } from '../host/edits/daemon-trust.js'
import { readIfExists, sha256, type FileBefore } from '../host/edits/file-undo.js'
import { pluginBackupJob, type InstalledPlugin } from '../host/edits/installed-plugin.js'
import { fileBehind } from '../host/file-write.js'
import { isJobId, jobDirRefusal } from '../host/job-dir.js'
import { isJobRecordPath } from '../host/job-record.js'
import { readInstallConfigPath } from '../inputs/single-inputs.js'
import { isBuilderName } from '../model.js'
import { userCliPluginDir } from '../docker-client-config.js'
import { buildxStoreDir, daemonPaths, dockerConfigFile, runnerTempDir } from '../paths.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import type { UndoRecord } from './state.js'

// Post works from saved state, which it cannot take on trust: a forged STATE_undo could name any
// directory as the job directory, any name as the builder, any file as a backup. So before
// anything is undone, each change is checked against what main can only have made itself: the job
// directory by its name and place, builder and context names by their rules, files by where the
// action writes them and backups by their recorded hashes. A change that fails is dropped, with a
// warning naming it; nothing of it is removed.

/** The changes post may undo, and a warning for each it may not. */
export interface ProvenUndo {
  record: UndoRecord
  refused: string[]
}

/** What a check knows besides the change: the proven job directory (checked first), the environment. */
interface ProofContext {
  jobDir?: string
  env: NodeJS.ProcessEnv
}

type Check<Kind extends keyof UndoRecord> = (
  change: NonNullable<UndoRecord[Kind]>,
  context: ProofContext
) => Promise<string | undefined> | string | undefined

/** The path `install-config` names for this step ('' for none, or when the input is not valid). */
function installConfigInput(): string {
  try {
    return readInstallConfigPath()
  } catch {
    return ''
  }
}

const notBuilderName = (name: string): string | undefined =>
  isBuilderName(name) ? undefined : `'${name}' is not a builder name the action makes`

/** Why a backup cannot be the job's: outside its directory, or not the bytes recorded. */
async function backupRefusal(before: FileBefore | undefined, jobDir: string | undefined): Promise<string | undefined> {
  if (!before) return undefined
  if (!jobDir || dirname(before.backup) !== jobDir) return `its backup ${before.backup} is not in the job directory`
  return backupHashRefusal(before)
}

/** Why a backup is not the file main saved: its bytes are not the ones recorded. */
async function backupHashRefusal(before: FileBefore): Promise<string | undefined> {
  const content = await readIfExists(before.backup)
  // Gone with the job directory (a second post step): nothing is restored from it.
  if (content === undefined) return undefined
  if (sha256(content) !== before.sha256)
    return `its backup ${before.backup} is not the file main saved (its hash differs)`
  return undefined
}

/** A path right in `dir` or below it, after resolving `.` and `..`. */
function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, resolve(path))
  return isAbsolute(path) && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** `dir` is `path` itself or a directory above it (a directory made on the way to `path`). */
function isAtOrAbove(dir: string, path: string): boolean {
  return resolve(dir) === resolve(path) || isInside(path, dir)
}

/** certs.d: files `<certs.d>/<host>/<job id>.{crt,cert,key}`, and the directories above them main made. */
async function daemonTrustRefusal(trust: TrustRecord, { jobDir, env }: ProofContext): Promise<string | undefined> {
  const paths = daemonPaths(trust.rootless, env)
  for (const file of trust.files) {
    const [host, name, ...more] = relative(paths.certsDir, resolve(file)).split(sep)
    // Named after the job directory (plan/daemon-trust.ts), so no one else's file is ever removed.
    const id = /^(.+)\.(crt|cert|key)$/.exec(name ?? '')?.[1] ?? ''
    const ownId = isJobId(id) && (jobDir === undefined || basename(jobDir) === id)
    if (!isInside(file, paths.certsDir) || more.length > 0 || !host || !ownId)
      return `${file} is not a file of this job's in ${paths.certsDir}`
  }
  const fileDirs = trust.files.map(file => dirname(resolve(file)))
  for (const dir of trust.dirs)
    if (!fileDirs.some(fileDir => isAtOrAbove(dir, fileDir)))
      return `${dir} is not a directory above a certs.d file of the job`
  const json = trust.daemonJson
  if (!json) return undefined
  if (json.change.path !== paths.daemonJson || json.pidFile !== paths.pidFile)
    return `${json.change.path} is not the daemon's daemon.json (${paths.daemonJson})`
  return backupRefusal(json.change.before, jobDir)
}

/**
 * The buildx plugin: where `buildx-version` installs it, the copy beside it named after a job
 * (host/edits/installed-plugin.ts) and holding the bytes recorded, the directories above it.
 */
async function installedPluginRefusal(installed: InstalledPlugin, { env }: ProofContext): Promise<string | undefined> {
  const plugin = join(userCliPluginDir(env), BUILDX_PLUGIN)
  if (installed.path !== plugin) return `${installed.path} is not where \`buildx-version\` installs buildx (${plugin})`
  const notAbove = installed.madeDirs.find(dir => !isAtOrAbove(dir, dirname(plugin)))
  if (notAbove !== undefined) return `${notAbove} is not a directory above the buildx plugin`
  if (!installed.before) return undefined
  if (!isJobId(pluginBackupJob(plugin, installed.before.backup) ?? ''))
    return `its backup ${installed.before.backup} is not a copy the action keeps beside the plugin`
  return backupHashRefusal(installed.before)
}

const CHECKS: { [Kind in keyof UndoRecord]-?: Check<Kind> } = {
  diskReport: report => notBuilderName(report.builder),
  jobDir: async (dir, { env }) => jobDirRefusal(dir, runnerTempDir(env)),
  builder: builder => notBuilderName(builder.name),
  builderSelection: selection => notBuilderName(selection.builder),
  // Main names the context after the job directory.
  tempContext: name => (isJobId(name) ? undefined : `'${name}' is not a Docker context the action makes`),
  lease: (lease, { env }) =>
    notBuilderName(lease.holder.builder) ??
    (lease.path === leasePath(lease.holder.builder, env) ? undefined : `${lease.path} is not where leases are kept`),
  buildxAlias: () => undefined,
  installedConfig: (installed, { jobDir }) =>
    installed.path === installConfigInput()
      ? backupRefusal(installed.before, jobDir)
      : `${installed.path} is not the file \`install-config\` names`,
  installedBuildx: installedPluginRefusal,
  daemonTrust: daemonTrustRefusal,
  addedAuths: async (added, { env, jobDir }) => {
    const config = dockerConfigFile(env)
    if (added.change.path !== config && added.change.path !== (await fileBehind(config)))
      return `${added.change.path} is not the Docker client config (${config})`
    return backupRefusal(added.change.before, jobDir)
  },
  clientTrust: () => undefined,
  jobRecord: (path, { env }) => (isJobRecordPath(path, env) ? undefined : `${path} is not where job records are kept`),
  jobRecordDirs: (dirs, { env }) => {
    const notAbove = dirs.find(dir => !isAtOrAbove(dir, buildxStoreDir(env)))
    return notAbove === undefined ? undefined : `${notAbove} is not buildx's store or a directory above it`
  }
}

/** What post says of a change it will not undo. */
const KIND_NAMES: Record<keyof UndoRecord, string> = {
  diskReport: "the builder's disk report",
  jobDir: 'the job directory',
  builder: 'the builder',
  builderSelection: "buildx's selected builder",
  tempContext: 'the Docker context',
  lease: "the builder name's lease",
  buildxAlias: 'the `install` alias',
  installedConfig: 'the installed config',
  installedBuildx: 'the buildx plugin `buildx-version` installed',
  daemonTrust: 'the Docker daemon trust',
  addedAuths: 'the credentials',
  clientTrust: 'SSL_CERT_FILE',
  jobRecord: "the job's kept undo record",
  jobRecordDirs: "the directories made for the job's kept undo record"
}

/**
 * Who undoes, and which record, for the warnings: post and its saved state, or a reclaim and an earlier job's record.
 */
export interface ProofOrigin {
  step: string
  record: string
}

const POST: ProofOrigin = { step: 'Post', record: 'the saved state' }

/**
 * The part of `record` post can prove is this action's own, and a warning (its untrusted text
 * neutralized) for every other part. The job directory is proven first: backups must be in it.
 */
export async function provenUndo(
  record: UndoRecord,
  env: NodeJS.ProcessEnv,
  origin: ProofOrigin = POST
): Promise<ProvenUndo> {
  const proven: UndoRecord = {}
  const refused: string[] = []
  const context: ProofContext = { env }
  for (const kind of Object.keys(CHECKS) as (keyof UndoRecord)[]) {
    const change = record[kind]
    if (change === undefined || change === false) continue
    const why = await (CHECKS[kind] as Check<typeof kind>)(change as never, context)
    if (why === undefined) {
      Object.assign(proven, { [kind]: change })
      if (kind === 'jobDir') context.jobDir = change as string
      continue
    }
    refused.push(
      neutralizeUntrustedLine(
        `${origin.step} did not undo ${KIND_NAMES[kind]} of ${origin.record}: ${why}. It cannot be proven this ` +
          `action's own, so nothing of it was removed.`
      )
    )
  }
  return { record: proven, refused }
}
