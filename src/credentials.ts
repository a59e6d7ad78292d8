import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { replaceFile } from './files.js'

export interface Credential {
  host: string
  username: string
  password: string
}

/** One auths entry the action wrote, with what it replaced, so post can put that back. */
export interface AddedAuth {
  key: string
  auth: string
  /** The entry that was there before, as JSON; '' when there was none. */
  prior: string
}

export interface AddedAuths {
  path: string
  /** True when the file did not exist: post removes it again once only our entries were in it. */
  createdFile: boolean
  entries: AddedAuth[]
}

type DockerConfig = { auths?: Record<string, unknown>; credsStore?: string; credHelpers?: Record<string, string>; [key: string]: unknown }

/** The Docker client config that docker and buildx read credentials from. */
export function dockerConfigFile(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json')
}

/** Docker keeps Docker Hub's credentials under its old index URL. */
export function authKey(host: string): string {
  return host === 'docker.io' || host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host
}

export function basicAuth(credential: Credential): string {
  return Buffer.from(`${credential.username}:${credential.password}`).toString('base64')
}

/**
 * Hosts whose credentials a credential store or helper serves instead of the
 * `auths` entries: writing there would change nothing for docker or buildx.
 */
export function hostsServedByHelpers(config: DockerConfig, hosts: string[]): string[] {
  return hosts.filter(host => !!config.credHelpers?.[authKey(host)] || !!config.credsStore)
}

async function readConfig(path: string): Promise<DockerConfig | undefined> {
  if (!existsSync(path)) return undefined
  const text = await readFile(path, 'utf8')
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as DockerConfig)
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); not touching it`)
  }
}

/** 0600, as docker login leaves it. */
async function writeConfig(path: string, config: DockerConfig): Promise<void> {
  await replaceFile(path, `${JSON.stringify(config, null, '\t')}\n`, 0o600)
}

/** Sets `auths` entries for the credentials, keeping every other key of the file. */
export async function addAuths(credentials: Credential[], path: string): Promise<{ added: AddedAuths; servedByHelpers: string[] }> {
  const existing = await readConfig(path)
  const config: DockerConfig = existing ?? {}
  const auths = (config.auths ??= {})
  const entries = credentials.map(credential => {
    const key = authKey(credential.host)
    const prior = auths[key] === undefined ? '' : JSON.stringify(auths[key])
    const auth = basicAuth(credential)
    auths[key] = { auth }
    return { key, auth, prior }
  })
  await writeConfig(path, config)
  return { added: { path, createdFile: existing === undefined, entries }, servedByHelpers: hostsServedByHelpers(config, credentials.map(credential => credential.host)) }
}

/**
 * Undoes addAuths: an entry still holding what the action wrote gets its prior
 * value back (or goes); entries changed since, and all other keys, stay.
 */
export async function removeAuths(added: AddedAuths): Promise<void> {
  const config = await readConfig(added.path)
  if (!config) return
  const auths = config.auths ?? {}
  for (const entry of added.entries) {
    const current = auths[entry.key] as { auth?: string } | undefined
    if (current?.auth !== entry.auth) continue
    if (entry.prior === '') delete auths[entry.key]
    else auths[entry.key] = JSON.parse(entry.prior)
  }
  const onlyEmptyAuths = Object.keys(config).every(key => key === 'auths') && Object.keys(auths).length === 0
  if (added.createdFile && onlyEmptyAuths) await rm(added.path, { force: true })
  else await writeConfig(added.path, config)
}
