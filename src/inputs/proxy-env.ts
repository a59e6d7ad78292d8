import * as core from '@actions/core'
import type { ProxyEnv } from '../model.js'
import { proxySecrets, readProxyEnv } from '../proxy.js'

/**
 * The runner's proxy variables, which the builder gets and preflight goes through. A proxy URL's
 * credentials (`http://user:pass@proxy:3128`) are secrets: masked here, before anything is logged.
 */
export function readRunnerProxyEnv(env: NodeJS.ProcessEnv): ProxyEnv {
  const proxyEnv = readProxyEnv(env)
  for (const value of Object.values(proxyEnv)) for (const secret of proxySecrets(value)) core.setSecret(secret)
  return proxyEnv
}
