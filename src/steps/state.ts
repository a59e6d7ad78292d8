import * as core from '@actions/core'
import type { DiskSpace } from '../inputs/gc-inputs.js'
import type { TrustRecord } from '../host/edits/daemon-trust.js'
import type { Lease } from '../host/builder/builder-lease.js'
import type { BuilderSelection } from '../host/builder/builder-selection.js'
import type { ClientTrustRecord } from '../host/runner-env.js'
import type { AddedAuths } from '../host/edits/docker-credentials.js'
import type { InstalledConfig } from '../host/edits/installed-config.js'
import type { InstalledPlugin } from '../host/edits/installed-plugin.js'
import { storeDirsToMake, writeJobRecordSync } from '../host/job-record.js'
import type { JobOwner } from '../host/process/job-owner.js'

/**
 * What the post step must undo, as far as main got. Main saves it through
 * GITHUB_STATE each time it grows; post reads it back from STATE_undo and
 * works from it alone.
 */
export interface UndoRecord {
  /**
   * Not a change: the builder whose cache post measures for the summary before the builder goes
   * (steps/disk-report.ts), with the `gc-max-used-space` budget; set when a budget is set or the
   * builder outlives the job (`cleanup: false`, `keep-state`).
   */
  diskReport?: { builder: string; budget?: DiskSpace }
  /** The directory holding buildkitd.toml and the key material; absent once main removed it itself. */
  jobDir?: string
  /**
   * Set just before `buildx create`, and taken back at once when the name
   * turns out to be another's (`replace: false`): post never removes a builder
   * this job did not create, and finds one a cancelled create half-made.
   */
  builder?: {
    name: string
    /** For what to tell the user when its daemon cannot be reached. */
    driver?: string
    /** `endpoint`: where its first node runs, for when buildx cannot remove it (host/builder/builder-remnants.ts). */
    endpoint?: string
    removeInPost: boolean
    /** `keep-state`: post removes the builder but keeps BuildKit's state volume. */
    keepState?: boolean
    /** The `buildx create` process, which may outlive a killed main step: post stops it first. */
    createPid?: number
    /** Its start time: post stops the pid only while it is still that process. */
    createStarted?: string
    /**
     * A `docker-container` builder created in a debugged job (RUNNER_DEBUG, `debug`, or `--debug` in
     * `buildkitd-flags`): post shows its BuildKit container's log first, as setup-buildx-action's does.
     */
    showLogInPost?: boolean
  }
  /** `use`: which builder buildx selected before `buildx create --use` made `builder` current; post puts it back. */
  builderSelection?: { builder: string; before: BuilderSelection }
  /** A Docker context the job created for the builder (the default one's TLS endpoint); removed by post. */
  tempContext?: string
  /** This job's claim on the builder name, taken before `buildx create`; released by post. */
  lease?: { path: string; holder: Lease }
  /** v3's `install` ran `buildx install`: post runs `buildx uninstall`. */
  buildxAlias?: boolean
  /** Saved before the config is installed, so post can restore it even after a failure midway. */
  installedConfig?: InstalledConfig
  /**
   * `buildx-version`: the buildx plugin installed for the job's steps, saved before it is written, so post
   * puts back the plugin that was there (or removes it) and the runner's later jobs run their own buildx.
   */
  installedBuildx?: InstalledPlugin
  /** Saved before each change to the daemon's files, so post removes exactly what was added. */
  daemonTrust?: TrustRecord
  /** Holds the replaced auth entries (secrets, masked by main) so post can put them back. */
  addedAuths?: AddedAuths
  /** Saved before SSL_CERT_FILE / BUILDKIT_NO_CLIENT_TOKEN are exported, so post can point them back. */
  clientTrust?: ClientTrustRecord
  /**
   * The file that keeps this record on the runner for a later job, should this one die without its
   * post step (host/job-record.ts, steps/reclaim-phase.ts); post removes it last.
   */
  jobRecord?: string
  /**
   * The directories main made to keep that record ($DOCKER_CONFIG/buildx; $DOCKER_CONFIG too on a
   * runner that had none), outermost first: post removes each it leaves empty, after the record.
   */
  jobRecordDirs?: string[]
}

/** The GITHUB_STATE name of the record (post reads it back as STATE_undo). */
const UNDO_STATE_KEY = 'undo'

/** Who keeps the record on the runner besides GITHUB_STATE: the file, and the job it is of. */
interface RecordKeeper {
  path: string
  owner: JobOwner
  job: string
}

/**
 * Main's record of what to undo; every change is saved at once (a later value wins on the runner),
 * and, once keepOnRunner is called, also written to the job's record file.
 */
export class UndoLog {
  private record: UndoRecord = {}
  private keeper?: RecordKeeper

  /**
   * From now on each change is also kept in `path` for a later job (steps/reclaim-phase.ts). True
   * when the file was written; false (with a warning) when it could not be: then nothing is kept.
   */
  keepOnRunner(keeper: RecordKeeper): boolean {
    this.keeper = keeper
    // In GITHUB_STATE before the file exists: post removes it whenever main stops, and the
    // directories made for it when nothing else came into them (no buildx command ran, say).
    const made = storeDirsToMake(keeper.path)
    this.add({ jobRecord: keeper.path, ...(made.length > 0 ? { jobRecordDirs: made } : {}) })
    return this.keeper !== undefined
  }

  add(change: UndoRecord): void {
    this.record = { ...this.record, ...change }
    core.saveState(UNDO_STATE_KEY, JSON.stringify(this.record))
    if (!this.keeper) return
    try {
      writeJobRecordSync(this.keeper.path, { owner: this.keeper.owner, job: this.keeper.job, undo: this.record })
    } catch (error) {
      core.warning(
        `Could not keep the job's undo record in ${this.keeper.path} (${(error as Error).message}): a later job ` +
          'cannot reclaim what this job makes should it end without its post step.'
      )
      this.keeper = undefined
    }
  }
}

/** What main recorded; empty when it recorded nothing. */
export function savedUndoRecord(): UndoRecord {
  const saved = core.getState(UNDO_STATE_KEY)
  return saved === '' ? {} : (JSON.parse(saved) as UndoRecord)
}
