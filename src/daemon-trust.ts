import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { PlannedFile, PlannedRegistry } from './plan.js'
import { privilegedFs, type PrivilegedFs } from './privileged.js'
import { isLoopbackHost } from './registries.js'

/**
 * `trust-docker-daemon`: false, true (certs.d only) or restart (also
 * insecure-registries, applied by reloading dockerd: see reloadDaemon).
 */
export type DaemonTrustMode = 'off' | 'certs' | 'restart'

/** Where the daemon keeps what it trusts. */
export interface DaemonPaths {
  rootless: boolean
  certsDir: string
  daemonJson: string
  pidFile: string
}

/** What main changed, saved in state before each change, so post removes exactly that. */
export interface TrustRecord {
  rootless: boolean
  /** certs.d files; their names are the job's own, so no one else's are ever touched. */
  files: string[]
  /** certs.d directories main created, outermost first; post removes them when empty. */
  dirs: string[]
  daemonJson?: { path: string; pidFile: string; added: string[]; createdFile: boolean; keyExisted: boolean }
}

export function daemonPaths(rootless: boolean, env: NodeJS.ProcessEnv): DaemonPaths {
  if (!rootless) return { rootless, certsDir: '/etc/docker/certs.d', daemonJson: '/etc/docker/daemon.json', pidFile: '/var/run/docker.pid' }
  const config = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'docker')
  return { rootless, certsDir: join(config, 'certs.d'), daemonJson: join(config, 'daemon.json'), pidFile: join(env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.()}`, 'docker.pid') }
}

/**
 * The certs.d files that make the daemon trust each verified TLS registry:
 * the CA as `<id>.crt`, the keypair as `<id>.cert`/`<id>.key` (the names
 * docker looks for), all named for this job.
 */
export function certsDFiles(registries: PlannedRegistry[], certsDir: string, id: string): PlannedFile[] {
  return registries
    .filter(registry => registry.transport === 'tls')
    .flatMap(registry => {
      const dir = join(certsDir, registry.host)
      const files: PlannedFile[] = []
      if (registry.ca) files.push({ path: join(dir, `${id}.crt`), content: registry.ca, mode: 0o644 })
      if (registry.keypair) {
        files.push({ path: join(dir, `${id}.cert`), content: registry.keypair.cert, mode: 0o644 })
        files.push({ path: join(dir, `${id}.key`), content: registry.keypair.key, mode: 0o600 })
      }
      return files
    })
}

/** Registries the daemon only talks to when listed in insecure-registries (it already counts loopback as insecure). */
export function hostsNeedingInsecure(registries: PlannedRegistry[]): string[] {
  return registries.filter(registry => registry.transport !== 'tls' && !isLoopbackHost(registry.host)).map(registry => registry.host)
}

async function isRootless(): Promise<boolean> {
  const info = await getExecOutput('docker', ['info', '--format', '{{json .SecurityOptions}}'], { ignoreReturnCode: true, silent: true })
  if (info.exitCode !== 0) throw new Error(`\`docker info\` failed: ${info.stderr.trim()}`)
  return info.stdout.includes('name=rootless')
}

/** Where the daemon keeps its trust, and the means to write there. */
export interface DaemonAccess {
  paths: DaemonPaths
  fs: PrivilegedFs
}

/**
 * Finds the daemon's directories and checks that they can be written, before
 * main writes or creates anything: no root and no sudo fails the step early.
 */
export async function openDaemonAccess(): Promise<DaemonAccess> {
  const paths = daemonPaths(await isRootless(), process.env)
  return { paths, fs: await privilegedFs(!paths.rootless, existsSync, `trust-docker-daemon (writing ${paths.certsDir})`) }
}

/**
 * Makes the Docker daemon trust the registries, as far as `mode` allows.
 * Returns what the user still has to do (for the log and the summary).
 */
export async function trustDaemon(access: DaemonAccess, mode: Exclude<DaemonTrustMode, 'off'>, registries: PlannedRegistry[], id: string, save: (record: TrustRecord) => void): Promise<string[]> {
  const { paths, fs } = access
  const record: TrustRecord = { rootless: paths.rootless, files: [], dirs: [] }
  const files = certsDFiles(registries, paths.certsDir, id)
  for (const file of files) {
    const dir = join(file.path, '..')
    record.dirs.push(...(await fs.mkdirs(dir)))
    record.files.push(file.path)
    save(record)
    await fs.writeFile(file.path, file.content, file.mode)
    core.info(`Docker daemon: wrote ${file.path}`)
  }

  const insecure = hostsNeedingInsecure(registries)
  if (insecure.length === 0) return []
  if (mode !== 'restart') {
    return [`The Docker daemon does not trust ${insecure.join(', ')}: \`docker push\`/\`pull\` need "insecure-registries": ${JSON.stringify(insecure)} in ${paths.daemonJson} and a daemon reload. Set \`trust-docker-daemon: restart\` to have the action do it.`]
  }
  const daemonJson = readDaemonJson(paths.daemonJson)
  const listed = new Set((daemonJson.config['insecure-registries'] as string[] | undefined) ?? [])
  const added = insecure.filter(host => !listed.has(host))
  record.daemonJson = { path: paths.daemonJson, pidFile: paths.pidFile, added, createdFile: !daemonJson.existed, keyExisted: 'insecure-registries' in daemonJson.config }
  save(record)
  if (added.length > 0) {
    await fs.mkdirs(join(paths.daemonJson, '..'))
    await writeDaemonJson(fs, paths.daemonJson, { ...daemonJson.config, 'insecure-registries': [...listed, ...added] })
    await reloadDaemon(fs, paths.pidFile, insecure, true)
  }
  core.info(`Docker daemon: ${insecure.join(', ')} in insecure-registries (${paths.daemonJson})`)
  return []
}

/** Removes exactly what trustDaemon added; what else changed meanwhile stays. */
export async function untrustDaemon(record: TrustRecord): Promise<void> {
  const fs = await privilegedFs(!record.rootless, existsSync, 'removing the Docker daemon trust')
  for (const file of record.files) await fs.rm(file)
  for (const dir of [...record.dirs].reverse()) await fs.rmdirIfEmpty(dir)
  const json = record.daemonJson
  if (!json || json.added.length === 0) return
  const daemonJson = readDaemonJson(json.path)
  const { 'insecure-registries': listed, ...others } = daemonJson.config
  const remaining = ((listed as string[] | undefined) ?? []).filter(host => !json.added.includes(host))
  // dockerd's reload leaves insecure-registries as it was when the key is absent, so the
  // reload must see the list (even empty); only then can the key, or the file, go.
  await writeDaemonJson(fs, json.path, { ...others, 'insecure-registries': remaining })
  await reloadDaemon(fs, json.pidFile, json.added, false)
  if (remaining.length > 0 || json.keyExisted) return
  if (json.createdFile && Object.keys(others).length === 0) await fs.rm(json.path)
  else await writeDaemonJson(fs, json.path, others)
}

function readDaemonJson(path: string): { config: Record<string, unknown>; existed: boolean } {
  if (!existsSync(path)) return { config: {}, existed: false }
  const text = readFileSync(path, 'utf8')
  try {
    return { config: text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>), existed: true }
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); not touching it`)
  }
}

async function writeDaemonJson(fs: PrivilegedFs, path: string, config: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path, `${JSON.stringify(config, null, 2)}\n`, 0o644)
}

/**
 * SIGHUP makes dockerd reload daemon.json; insecure-registries is one of the
 * settings it applies live, so running containers (service containers, the
 * builder) keep running. Waits until `docker info` shows the change.
 */
async function reloadDaemon(fs: PrivilegedFs, pidFile: string, hosts: string[], insecure: boolean): Promise<void> {
  if (!existsSync(pidFile)) throw new Error(`cannot find dockerd's pid file ${pidFile} to reload it: reload or restart the Docker daemon yourself`)
  await fs.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGHUP')
  const deadline = Date.now() + 30000
  for (;;) {
    const info = await getExecOutput('docker', ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'], { ignoreReturnCode: true, silent: true })
    if (info.exitCode === 0) {
      const configs = JSON.parse(info.stdout) as Record<string, { Secure?: boolean }>
      if (hosts.every(host => (configs[host]?.Secure === false) === insecure)) return
    }
    if (Date.now() > deadline) throw new Error(`the Docker daemon did not apply insecure-registries ${JSON.stringify(hosts)} within 30 s of a reload: check ${pidFile} and the daemon's log`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}
