import { readFileSync } from 'node:fs'
import { authKey, type Credential } from '../model.js'

/**
 * Credentials an earlier step stored in the Docker client config (docker/login-action writes
 * `auths` entries), for the hosts given: buildx reads them for a build, so preflight logs in with
 * them too. Hosts served by a credential store or helper are not read (that would run the helper).
 */
export function storedCredentials(configPath: string, hosts: string[]): Credential[] {
  let config: { auths?: Record<string, { auth?: string }>; credsStore?: string; credHelpers?: Record<string, string> }
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'))
  } catch {
    return []
  }
  return hosts.flatMap(host => {
    const key = authKey(host)
    const auth = config.auths?.[key]?.auth
    if (!auth || config.credHelpers?.[key] || config.credsStore) return []
    const decoded = Buffer.from(auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon > 0 ? [{ host, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }] : []
  })
}
