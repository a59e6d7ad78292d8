import { spawnSync } from 'node:child_process'
import { imageInDaemon } from '../../src/host/builder/builder-image.js'
import { imageInLocalDaemon, localDaemonSocket } from '../../src/host/builder/daemon-socket.js'
import { BUILDKIT_IMAGE } from '../helpers/builds.js'

// Main asks the daemon on its socket whether the builder's image is there (host/builder/daemon-socket.ts)
// instead of starting `docker image inspect`: against the real dockerd, the same answer as the CLI's.

/** What `docker image inspect` says: whether the daemon has an image of exactly this name. */
function cliSays(name: string): boolean {
  return spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', name], { stdio: 'ignore' }).status === 0
}

describe("the builder image's presence, asked on the daemon's socket", () => {
  const absent = `sbr-absent-${process.pid}/buildkit:none`
  const repository = BUILDKIT_IMAGE.slice(0, BUILDKIT_IMAGE.lastIndexOf(':'))
  // The image, the same under its full name (the daemon normalizes it), another tag of it, and none.
  const names = [BUILDKIT_IMAGE, `docker.io/${BUILDKIT_IMAGE}`, `${repository}:sbr-no-such-tag`, absent]

  it('is asked there on this runner (the default context on the local socket)', () => {
    expect(localDaemonSocket('', process.env)).toBeDefined()
  })

  it.each(names)('%s: the answer `docker image inspect` gives', async name => {
    expect(cliSays(BUILDKIT_IMAGE)).toBe(true)
    const asked = await imageInLocalDaemon('', name)
    expect(asked).toBe(cliSays(name))
    expect(await imageInDaemon('', name)).toBe(asked)
  })
})
