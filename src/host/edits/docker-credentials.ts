import { lstat } from 'node:fs/promises'
import { authKey, basicAuth, PRIVATE_FILE_MODE, type Credential } from '../../model.js'
import { credentialHelperFor, type DockerClientConfigFile } from '../../docker-client-config.js'
import { fileBehind } from '../file-write.js'
import { directAccess } from './file-access.js'
import { backUp, fileNow, putBack, readIfExists, sha256, type FileChange } from './file-undo.js'
import { parseJsonObject, stringifyLike, type JsonObject } from './json-file.js'

/** One auths entry the action wrote, with what it replaced, so post can put that back. */
export interface AddedAuth {
  key: string
  auth: string
  /** The entry that was there before, as JSON; '' when there was none. */
  prior: string
}

export interface AddedAuths {
  /** The config as the environment names it (for messages); `change.path` is the file written. */
  path: string
  entries: AddedAuth[]
  change: FileChange
}

type DockerConfig = JsonObject & {
  auths?: Record<string, unknown>
}

/** docker login writes its config with tabs. */
const DOCKER_CONFIG_INDENT = '\t'

/**
 * Sets `auths` entries for the credentials, keeping every other key of the
 * file; the file before is copied to `backupPath` for post. `save` is called
 * before the file is written.
 */
export async function addAuths(
  credentials: Credential[],
  path: string,
  backupPath: string,
  save: (added: AddedAuths) => void
): Promise<{ added: AddedAuths; servedByHelpers: string[] }> {
  // A config.json that is a link is written through on purpose, as docker/cli's Save does
  // (EvalSymlinks): an admin links it to a shared file. Every other file the action edits refuses
  // links; the file behind is replaced by a rename like any other (host/file-write.ts).
  const file = await fileBehind(path)
  const text = (await readIfExists(file))?.toString('utf8')
  const config = parseJsonObject(path, text ?? '') as DockerConfig
  const auths = (config.auths ??= {})
  const entries = credentials.map(credential => {
    const key = authKey(credential.host)
    const prior = auths[key] === undefined ? '' : JSON.stringify(auths[key])
    const auth = basicAuth(credential)
    auths[key] = { auth }
    return { key, auth, prior }
  })
  const content = stringifyLike(text, config, DOCKER_CONFIG_INDENT)
  const before = await backUp(file, backupPath)
  const added = { path, entries, change: { path: file, before, written: sha256(content) } }
  save(added)
  // 0600 for a new file, as docker login leaves it.
  await directAccess.writeFile(file, content, before ?? { mode: PRIVATE_FILE_MODE })
  return {
    added,
    // A credential store or helper serves these instead of the `auths` entries: writing there changes nothing for
    // docker or buildx.
    servedByHelpers: credentials
      .map(credential => credential.host)
      .filter(host => credentialHelperFor({ path, file: config as DockerClientConfigFile }, host) !== undefined)
  }
}

/**
 * Undoes addAuths: the file as it was, byte for byte, when nothing else
 * changed it since. Otherwise only the entries still holding what the action
 * wrote get their prior value back (or go); the returned note says so.
 */
export async function removeAuths(added: AddedAuths): Promise<string[]> {
  const now = await fileNow(added.change)
  if (now.state === 'as-before') return []
  if (now.state === 'as-written') {
    await putBack(added.change, directAccess)
    return []
  }
  if (now.text === undefined) return []
  const file = added.change.path
  const config = parseJsonObject(file, now.text) as DockerConfig
  const auths = config.auths ?? {}
  for (const entry of added.entries) {
    const current = auths[entry.key] as { auth?: string } | undefined
    if (current?.auth !== entry.auth) continue
    if (entry.prior === '') delete auths[entry.key]
    else auths[entry.key] = JSON.parse(entry.prior)
  }
  const note =
    `${added.path} was changed after the main step: kept that change and removed only the credentials ` +
    'the job added.'
  const onlyEmptyAuths = Object.keys(config).every(key => key === 'auths') && Object.keys(auths).length === 0
  if (!added.change.before && onlyEmptyAuths) {
    await directAccess.rm(file)
    return [note]
  }
  const { mode } = await lstat(file)
  await directAccess.writeFile(file, stringifyLike(now.text, config, DOCKER_CONFIG_INDENT), {
    mode: mode & 0o7777
  })
  return [note]
}
