// Nothing left behind, checked for the whole run: the BuildKit containers and state volumes that
// exist after the tests and did not before fail the run, named. The run must have the daemon to
// itself (CI does; two runs at once on one daemon would see each other's).
import { spawnSync } from 'node:child_process'

const BUILDKIT = /^buildx_buildkit_/

/** BuildKit containers and volumes on the daemon; undefined when there is no daemon (unit tests only). */
function buildkitObjects() {
  const list = args => spawnSync('docker', args, { encoding: 'utf8', timeout: 20000 })
  const containers = list(['ps', '-a', '--format', '{{.Names}}'])
  const volumes = list(['volume', 'ls', '-q'])
  if (containers.status !== 0 || volumes.status !== 0) return undefined
  const names = text => text.split('\n').filter(name => BUILDKIT.test(name))
  return [
    ...names(containers.stdout).map(name => `container ${name}`),
    ...names(volumes.stdout).map(name => `volume ${name}`)
  ]
}

export function recordBefore() {
  process.env.SBR_BUILDKIT_BEFORE = JSON.stringify(buildkitObjects() ?? null)
}

export function checkNothingLeft() {
  const before = JSON.parse(process.env.SBR_BUILDKIT_BEFORE ?? 'null')
  const after = buildkitObjects()
  if (!before || !after) return
  const left = after.filter(object => !before.includes(object))
  if (left.length > 0) throw new Error(`the tests left BuildKit objects behind on the daemon: ${left.join(', ')}`)
}
