import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Builds through booted builders: the BuildKit image they boot from, a base image made here from
// busybox-static (nothing is pulled from outside), and build contexts whose result can be
// recognised at the registry by a random marker.

/**
 * The BuildKit image builders boot from. The default is what users get; CI points it at a real
 * BuildKit image loaded into the test machine's dockerd (../shared/buildkit/setup.sh), since no
 * registry on the internet is reachable there.
 */
export const BUILDKIT_IMAGE = process.env.BUILDKIT_IMAGE || 'moby/buildkit:buildx-stable-1'

/** `driver-opts` that boot a docker-container builder from BUILDKIT_IMAGE, plus `extra` lines. */
export function bootDriverOpts(...extra: string[]): string {
  return [`image=${BUILDKIT_IMAGE}`, ...extra].join('\n')
}

/** A local image with busybox-static as /bin/sh and friends: a base for `RUN` steps. */
export const BASE_IMAGE = 'sbr-test/busybox:1'

/** Makes BASE_IMAGE in the local dockerd from Debian's busybox-static, unless it is there. */
export function ensureBaseImage(): string {
  if (spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' }).status === 0) return BASE_IMAGE
  const dir = mkdtempSync(join(tmpdir(), 'sbr-base-image-'))
  try {
    const root = join(dir, 'root')
    mkdirSync(join(root, 'bin'), { recursive: true })
    mkdirSync(join(root, 'tmp'))
    copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
    for (const applet of ['sh', 'cat', 'echo', 'ls', 'head', 'od', 'sleep', 'date'])
      symlinkSync('busybox', join(root, 'bin', applet))
    execFileSync('tar', ['-C', root, '-cf', join(dir, 'rootfs.tar'), '.'], { stdio: 'pipe' })
    // Concurrent test files may import it at once: the last tag wins, the content is the same.
    execFileSync(
      'docker',
      ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', join(dir, 'rootfs.tar'), BASE_IMAGE],
      { stdio: 'pipe' }
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return BASE_IMAGE
}

/**
 * Pushes the base image to `target` (`HOST:PORT/REPO:TAG`) with the Docker daemon. Only for
 * registries on 127.0.0.0/8 or `localhost`, which dockerd treats as insecure (any certificate,
 * or plain HTTP), so no trust has to be set up for it.
 */
export function pushBaseImage(target: string): void {
  ensureBaseImage()
  execFileSync('docker', ['tag', BASE_IMAGE, target], { stdio: 'pipe' })
  try {
    execFileSync('docker', ['push', target], { stdio: 'pipe' })
  } finally {
    spawnSync('docker', ['rmi', target], { stdio: 'ignore' })
  }
}

export interface BuildContext {
  dir: string
  /** A random string the built image holds in /marker.txt: finding it at the registry proves the push. */
  marker: string
}

/**
 * A build context: `FROM from`, COPY of a file holding a fresh marker, and `run` as a RUN step
 * (needs a base with a shell; `from` defaults to scratch).
 */
export function buildContext(options: { from?: string; run?: string } = {}): BuildContext {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-context-'))
  const marker = `sbr-marker-${randomBytes(8).toString('hex')}`
  writeFileSync(join(dir, 'marker.txt'), `${marker}\n`)
  const lines = [`FROM ${options.from ?? 'scratch'}`, 'COPY marker.txt /marker.txt']
  if (options.run) lines.push(`RUN ${options.run}`)
  writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`)
  return { dir, marker }
}

/** The name of the BuildKit container of a docker-container builder's first node. */
export function buildkitContainer(builder: string): string {
  return `buildx_buildkit_${builder}0`
}

/** What the builder's BuildKit daemon logged so far (docker logs: stdout and stderr). */
export function buildkitLog(builder: string): string {
  const result = spawnSync('docker', ['logs', buildkitContainer(builder)], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`docker logs ${buildkitContainer(builder)}: ${result.stderr}`)
  return result.stdout + result.stderr
}
