import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Every file and directory below `dir`, as paths relative to it; none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []
}

/** What of the action's own is in the buildx store of the Docker client config `dockerConfig`: its job records' and leases' directories and what they hold. */
export function actionFilesInBuildxStore(dockerConfig: string): string[] {
  return filesUnder(join(dockerConfig, 'buildx')).filter(path => path.startsWith('setup-buildkit-registry-'))
}
