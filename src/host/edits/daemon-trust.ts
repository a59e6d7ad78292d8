import * as core from '@actions/core'
import { dirname, join } from 'node:path'
import type { DaemonTrustPlan } from '../../model.js'
import { daemonPaths, type DaemonPaths } from '../../paths.js'
import { runCommand } from '../process/command.js'
import { privilegedAccess, removeMadeDirs, type FileAccess } from './file-access.js'
import { addInsecureRegistries, removeInsecureRegistries, type DaemonJsonRecord } from './daemon-json.js'

/** What main changed, saved in state before each change, so post removes exactly that. */
export interface TrustRecord {
  rootless: boolean
  /** certs.d files; their names are the job's own, so no one else's are ever touched. */
  files: string[]
  /** certs.d directories main created, outermost first; post removes them when empty. */
  dirs: string[]
  daemonJson?: DaemonJsonRecord
}

/** Where the daemon keeps its trust, and the means to write there. */
export interface DaemonAccess {
  paths: DaemonPaths
  files: FileAccess
}

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
      `The Docker daemon does not trust ${insecure.join(', ')}: \`docker push\`/\`pull\` need ` +
        `"insecure-registries": ${JSON.stringify(insecure)} in ${paths.daemonJson} and a daemon reload. Set ` +
        '`trust-docker-daemon: restart` to have the action do it.'
    ]
  }
  await addInsecureRegistries(fs, paths, insecure, jobDir, daemonJson => {
    record.daemonJson = daemonJson
    save(record)
  })
  core.info(`Docker daemon: ${insecure.join(', ')} in insecure-registries (${paths.daemonJson})`)
  return []
}

/**
 * Removes exactly what trustDaemon added: its certs.d files and the directories it made, and its
 * hosts from insecure-registries (daemon-json.ts). Returns notes for the user.
 */
export async function untrustDaemon(record: TrustRecord): Promise<string[]> {
  const fs = await privilegedAccess(!record.rootless, 'removing the Docker daemon trust')
  for (const file of record.files) await fs.rm(file)
  await removeMadeDirs(fs, record.dirs)
  return record.daemonJson ? removeInsecureRegistries(fs, record.daemonJson) : []
}
