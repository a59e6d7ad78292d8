import * as core from '@actions/core'
import { lstat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { DaemonTrustPlan } from '../../model.js'
import { daemonPaths, type DaemonPaths } from '../../paths.js'
import { runCommand, tryCommand } from '../process/command.js'
import { privilegedAccess, type FileAccess } from './file-access.js'
import { backUp, fileNow, putBack, readIfExists, sha256, type FileChange } from './file-undo.js'
import { parseJsonObject, stringifyLike, type JsonObject } from './json-file.js'

/** What main changed, saved in state before each change, so post removes exactly that. */
export interface TrustRecord {
  rootless: boolean
  /** certs.d files; their names are the job's own, so no one else's are ever touched. */
  files: string[]
  /** certs.d directories main created, outermost first; post removes them when empty. */
  dirs: string[]
  daemonJson?: {
    pidFile: string
    /** The hosts main added to insecure-registries. */
    added: string[]
    /** Whether the file had an insecure-registries key before: without one, a reload must see an explicit list first. */
    keyExisted: boolean
    change: FileChange
  }
}

/** Where the daemon keeps its trust, and the means to write there. */
export interface DaemonAccess {
  paths: DaemonPaths
  files: FileAccess
}

/** For a daemon.json the action creates: 2 spaces, as dockerd's documentation writes it. */
const DAEMON_JSON_INDENT = '  '

async function isRootless(): Promise<boolean> {
  return (await runCommand('docker', ['info', '--format', '{{json .SecurityOptions}}'])).includes('name=rootless')
}

/**
 * Finds the daemon's directories and checks that they can be written, before
 * main writes or creates anything: no root and no sudo fails the step early.
 */
export async function openDaemonAccess(): Promise<DaemonAccess> {
  const paths = daemonPaths(await isRootless(), process.env)
  return { paths, files: await privilegedAccess(!paths.rootless, `trust-docker-daemon (writing ${paths.certsDir})`) }
}

/**
 * Makes the Docker daemon trust what the plan says, as far as its mode allows.
 * `jobDir` holds the backup of daemon.json.
 * Returns what the user still has to do (for the log and the summary).
 */
export async function trustDaemon(
  access: DaemonAccess,
  plan: DaemonTrustPlan,
  jobDir: string,
  save: (record: TrustRecord) => void
): Promise<string[]> {
  const { paths, files: fs } = access
  const record: TrustRecord = { rootless: paths.rootless, files: [], dirs: [] }
  for (const file of plan.certsD) {
    const path = join(paths.certsDir, file.path)
    record.dirs.push(...(await fs.mkdirs(dirname(path))))
    record.files.push(path)
    save(record)
    await fs.writeFile(path, file.content, { mode: file.mode })
    core.info(`Docker daemon: wrote ${path}`)
  }

  const insecure = plan.insecureHosts
  if (insecure.length === 0) return []
  if (plan.mode !== 'restart') {
    return [
      `The Docker daemon does not trust ${insecure.join(', ')}: \`docker push\`/\`pull\` need "insecure-registries": ${JSON.stringify(insecure)} in ${paths.daemonJson} and a daemon reload. Set \`trust-docker-daemon: restart\` to have the action do it.`
    ]
  }
  const text = (await readIfExists(paths.daemonJson))?.toString('utf8')
  const config = parseJsonObject(paths.daemonJson, text ?? '')
  const listed = insecureRegistries(config)
  const added = insecure.filter(host => !listed.includes(host))
  if (added.length > 0) {
    const content = stringifyLike(text, { ...config, 'insecure-registries': [...listed, ...added] }, DAEMON_JSON_INDENT)
    const before = await backUp(paths.daemonJson, join(jobDir, 'daemon.json.backup'))
    record.daemonJson = {
      pidFile: paths.pidFile,
      added,
      keyExisted: 'insecure-registries' in config,
      change: { path: paths.daemonJson, before, written: sha256(content) }
    }
    save(record)
    await fs.mkdirs(dirname(paths.daemonJson))
    await fs.writeFile(paths.daemonJson, content, before ?? { mode: 0o644 })
    await reloadDaemon(fs, paths.pidFile, added, true)
  }
  core.info(`Docker daemon: ${insecure.join(', ')} in insecure-registries (${paths.daemonJson})`)
  return []
}

/**
 * Removes exactly what trustDaemon added. daemon.json goes back byte for byte
 * (mode and owner too), or away when main created it; when something else
 * changed it since, only the hosts main added go, and the returned note says so.
 */
export async function untrustDaemon(record: TrustRecord): Promise<string[]> {
  const fs = await privilegedAccess(!record.rootless, 'removing the Docker daemon trust')
  for (const file of record.files) await fs.rm(file)
  for (const dir of [...record.dirs].reverse()) await fs.rmdirIfEmpty(dir)
  const json = record.daemonJson
  if (!json) return []
  const { path } = json.change
  const now = await fileNow(json.change)
  if (now.state === 'as-before') return []
  if (now.state === 'as-written') {
    // dockerd's reload leaves insecure-registries as they were when the key is absent, so the
    // reload must see an explicit list (the one before main) before the key, or the file, goes.
    if (!json.keyExisted) {
      const explicit = withoutHosts(parseJsonObject(path, now.text ?? ''), json.added)
      await fs.writeFile(
        path,
        stringifyLike(now.text, explicit, DAEMON_JSON_INDENT),
        json.change.before ?? { mode: 0o644 }
      )
    } else {
      await putBack(json.change, fs)
    }
    await reloadDaemon(fs, json.pidFile, json.added, false)
    if (!json.keyExisted) await putBack(json.change, fs)
    return []
  }
  // Someone else changed the file after main: theirs stays, only main's hosts go.
  if (now.text === undefined)
    return [
      `${path} was removed after the main step; the Docker daemon may still list ${json.added.join(', ')} in insecure-registries until it reloads.`
    ]
  const current = parseJsonObject(path, now.text)
  const ours = insecureRegistries(current).filter(host => json.added.includes(host))
  const note = `${path} was changed after the main step: kept that change and removed only what the job added (${json.added.join(', ')} in insecure-registries).`
  if (ours.length === 0) return [note]
  const { mode, uid, gid } = await lstat(path)
  const meta = { mode: mode & 0o7777, uid, gid }
  const remaining = withoutHosts(current, json.added)
  await fs.writeFile(path, stringifyLike(now.text, remaining, DAEMON_JSON_INDENT), meta)
  await reloadDaemon(fs, json.pidFile, json.added, false)
  if (!json.keyExisted && insecureRegistries(remaining).length === 0) {
    const others = Object.fromEntries(Object.entries(remaining).filter(([key]) => key !== 'insecure-registries'))
    await fs.writeFile(path, stringifyLike(now.text, others, DAEMON_JSON_INDENT), meta)
  }
  return [note]
}

function insecureRegistries(config: JsonObject): string[] {
  return (config['insecure-registries'] as string[] | undefined) ?? []
}

/** The config with `hosts` out of insecure-registries, the key kept (even empty). */
function withoutHosts(config: JsonObject, hosts: string[]): JsonObject {
  return { ...config, 'insecure-registries': insecureRegistries(config).filter(host => !hosts.includes(host)) }
}

/**
 * SIGHUP makes dockerd reload daemon.json; insecure-registries is one of the
 * settings it applies live, so running containers (service containers, the
 * builder) keep running. Waits until `docker info` shows the change.
 */
async function reloadDaemon(fs: FileAccess, pidFile: string, hosts: string[], insecure: boolean): Promise<void> {
  const pid = (await readIfExists(pidFile))?.toString('utf8').trim()
  if (!pid)
    throw new Error(
      `cannot find dockerd's pid file ${pidFile} to reload it: reload or restart the Docker daemon yourself`
    )
  await fs.kill(Number(pid), 'SIGHUP')
  const deadline = Date.now() + 30000
  for (;;) {
    const info = await tryCommand('docker', ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'])
    if (info.exitCode === 0) {
      const configs = JSON.parse(info.stdout) as Record<string, { Secure?: boolean }>
      if (hosts.every(host => (configs[host]?.Secure === false) === insecure)) return
    }
    if (Date.now() > deadline)
      throw new Error(
        `the Docker daemon did not apply insecure-registries ${JSON.stringify(hosts)} within 30 s of a reload: check ${pidFile} and the daemon's log`
      )
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
