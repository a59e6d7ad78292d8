import { tryCommand, type CommandResult } from '../process/command.js'

/** Where to dial from: a booted docker-container builder's first node. */
export interface BuilderSide {
  /** The BuildKit container (buildx_buildkit_<name>0). */
  container: string
  /** The Docker context it runs on, when not the current one (the job's own TLS context). */
  context?: string
  /** Its `network=`, for messages. */
  network?: string
}

/** One address to dial, under the key the caller reads the answer by. */
export interface DialTarget {
  key: string
  hostname: string
  port: number
}

/**
 * Resolves and connects to each target from inside the BuildKit container, with the busybox `nc`
 * and `timeout` of moby/buildkit's Alpine image (and of any busybox-based one): the container's
 * own /etc/hosts, DNS and routes, which buildkitd dials with. One `docker exec` per target, all at
 * once; `timeout` ends a lookup or connection that hangs. Never throws:
 * preflight/builder-diagnosis.ts reads each answer.
 */
export async function dialFromBuilder(
  side: BuilderSide,
  targets: DialTarget[],
  timeoutSeconds: number
): Promise<Map<string, CommandResult>> {
  const wait = Math.max(1, Math.ceil(timeoutSeconds))
  const answers = await Promise.all(
    targets.map(async target => {
      const args = [
        ...(side.context ? ['--context', side.context] : []),
        'exec',
        side.container,
        // Through `busybox`: images link few of its applets (timeout and nc are often not).
        ...['busybox', 'timeout', '-s', 'KILL', String(wait + 2)],
        // `-e PROG` (last) runs PROG once connected: `true` ends it at once, whatever the server does.
        ...['busybox', 'nc', '-w', String(wait), target.hostname, String(target.port), '-e', 'busybox', 'true']
      ]
      return [target.key, await tryCommand('docker', args)] as const
    })
  )
  return new Map(answers)
}
