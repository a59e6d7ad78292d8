import * as core from '@actions/core'
import type { AddedAuths } from './credentials.js'
import type { TrustRecord } from './daemon-trust.js'
import type { InstalledConfig } from './installed-config.js'

/**
 * What the post step needs, saved by main through GITHUB_STATE and read back
 * from STATE_* variables. Post works from this alone.
 */
enum StateKey {
  IsPost = 'isPost',
  JobDir = 'jobDir',
  Builder = 'builder',
  RemoveBuilder = 'removeBuilder',
  InstalledConfig = 'installedConfig',
  DaemonTrust = 'daemonTrust',
  AddedAuths = 'addedAuths'
}

function saveJson(key: StateKey, value: unknown): void {
  core.saveState(key, JSON.stringify(value))
}

/** undefined when main never saved it (it stopped before that step). */
function savedJson<T>(key: StateKey): T | undefined {
  const saved = core.getState(key)
  return saved === '' ? undefined : (JSON.parse(saved) as T)
}

/** Main saves this first thing, so the post step knows it is the post step even after a failed main. */
export function markMainStarted(): void {
  core.saveState(StateKey.IsPost, 'true')
}

export function isPostStep(): boolean {
  return core.getState(StateKey.IsPost) === 'true'
}

/** The directory holding buildkitd.toml and the key material; '' once main removed it itself. */
export function saveJobDir(dir: string): void {
  core.saveState(StateKey.JobDir, dir)
}

export function savedJobDir(): string {
  return core.getState(StateKey.JobDir)
}

/** Saved only once `buildx create` succeeded: post never removes a builder this job did not create. */
export function saveBuilder(name: string, removeInPost: boolean): void {
  core.saveState(StateKey.Builder, name)
  core.saveState(StateKey.RemoveBuilder, String(removeInPost))
}

export function savedBuilder(): { name: string; removeInPost: boolean } | undefined {
  const name = core.getState(StateKey.Builder)
  return name === '' ? undefined : { name, removeInPost: core.getState(StateKey.RemoveBuilder) === 'true' }
}

/** Saved before the config is installed, so post can restore it even after a failure midway. */
export function saveInstalledConfig(installed: InstalledConfig): void {
  saveJson(StateKey.InstalledConfig, installed)
}

export function savedInstalledConfig(): InstalledConfig | undefined {
  return savedJson<InstalledConfig>(StateKey.InstalledConfig)
}

/** Saved before each change to the daemon's files, so post removes exactly what was added. */
export function saveDaemonTrust(record: TrustRecord): void {
  saveJson(StateKey.DaemonTrust, record)
}

export function savedDaemonTrust(): TrustRecord | undefined {
  return savedJson<TrustRecord>(StateKey.DaemonTrust)
}

/** Holds the previous auth entries (secrets, masked by main) so post can put them back. */
export function saveAddedAuths(added: AddedAuths): void {
  saveJson(StateKey.AddedAuths, added)
}

export function savedAddedAuths(): AddedAuths | undefined {
  return savedJson<AddedAuths>(StateKey.AddedAuths)
}
