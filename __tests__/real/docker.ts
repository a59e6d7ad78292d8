import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Fails the suite at once, with the fix, when the real tools are missing. */
export function requireDocker(): void {
  const info = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 20000 })
  if (info.status !== 0) {
    throw new Error(
      `dockerd does not answer (${(info.stderr || info.error?.message || '').trim()}): run .ci/install-system.sh, which installs and starts it`
    )
  }
  const buildx = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' })
  if (buildx.status !== 0) throw new Error('docker buildx is missing: run .ci/install-system.sh')
}

/** A Docker client config directory of the test's own, so builders and `--use` stay out of ~/.docker. */
export function newDockerConfig(): string {
  return mkdtempSync(join(tmpdir(), 'sbr-docker-config-'))
}

export function docker(
  dockerConfig: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('docker', args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, ...env, DOCKER_CONFIG: dockerConfig }
  })
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr }
}

export function dockerOk(dockerConfig: string, args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOCKER_CONFIG: dockerConfig }
  })
}

/** The builders buildx knows of in this Docker client config: the names in its instances directory. */
export function builderNames(dockerConfig: string): string[] {
  const instances = join(dockerConfig, 'buildx', 'instances')
  return existsSync(instances) ? readdirSync(instances) : []
}

/** What buildx stored for a builder: its first node's files (config and certificates), decoded. */
export function storedBuilder(
  dockerConfig: string,
  name: string
): { driverOpts: Record<string, string>; files: Record<string, string> } {
  const instance = JSON.parse(readFileSync(join(dockerConfig, 'buildx', 'instances', name.toLowerCase()), 'utf8')) as {
    Nodes: { DriverOpts: Record<string, string> | null; Files: Record<string, string> | null }[]
  }
  const [node] = instance.Nodes
  const files = Object.fromEntries(
    Object.entries(node.Files ?? {}).map(([path, base64]) => [path, Buffer.from(base64, 'base64').toString('utf8')])
  )
  return { driverOpts: node.DriverOpts ?? {}, files }
}
