import { parseImageReference } from '../../src/image-reference.js'
import { failureMessage } from '../../src/steps/builder-image-phase.js'
import type { PlannedRegistry } from '../../src/model.js'

const NAME = 'moby/buildkit:buildx-stable-1'
const MIRROR = {
  path: '',
  registry: { host: { text: 'mirror.example.com', hostname: 'mirror.example.com' } } as PlannedRegistry
}
const HUB_LIMIT = 'toomanyrequests: You have reached your pull rate limit.'

describe('failureMessage', () => {
  it("a rate limit of Docker Hub's, through the daemon: log in, or a mirror", () => {
    const message = failureMessage({ name: NAME, reference: parseImageReference(NAME), mirrors: [] }, [
      { from: "docker.io (the daemon's pull)", message: HUB_LIMIT, kind: 'rate-limit' }
    ])
    expect(message).toContain("Docker Hub's rate limit (429 toomanyrequests)")
    expect(message).toContain('log in to docker.io before this step (docker/login-action')
    expect(message).toContain('`mirror`: docker.io=MIRROR')
  })

  it('a rate limit at the mirror: its credentials too', () => {
    const message = failureMessage({ name: NAME, reference: parseImageReference(NAME), mirrors: [MIRROR] }, [
      { from: 'mirror.example.com', message: '... answered 429', kind: 'rate-limit' },
      { from: "docker.io (the daemon's pull)", message: 'no such host', kind: 'fatal' }
    ])
    expect(message).toContain('`credentials`: mirror.example.com=USERNAME:PASSWORD')
    expect(message).toContain('mirror.example.com: ... answered 429; docker.io')
  })

  it("another registry's rate limit is that registry's", () => {
    const name = 'ghcr.io/team/buildkit:v1'
    const message = failureMessage({ name, reference: parseImageReference(name), mirrors: [] }, [
      { from: 'ghcr.io', message: '429', kind: 'rate-limit' }
    ])
    expect(message).toContain("the registry's rate limit")
    expect(message).toContain('log in to ghcr.io')
  })

  it('any other failure names each way tried and the fixes', () => {
    const message = failureMessage({ name: NAME, reference: parseImageReference(NAME), mirrors: [MIRROR] }, [
      { from: 'mirror.example.com', message: 'manifest answered 404', kind: 'fatal' }
    ])
    expect(message).toBe(
      'The builder image moby/buildkit:buildx-stable-1 could not be fetched (mirror.example.com: manifest answered 404). ' +
        'Fix: check the mirror (mirror.example.com) serves moby/buildkit, or load moby/buildkit:buildx-stable-1 into the daemon before this step, or name another with `driver-opts`: image=NAME'
    )
  })
})
