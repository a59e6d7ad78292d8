import { parseInspect, platformsFromBuildkitdLog } from '../../src/host/buildx.js'
import { usesLocalDaemon } from '../../src/host/docker-engine.js'

const WORKER_LINE = (platforms: string): string =>
  `time="2026-01-01T00:00:00Z" level=info msg="found worker \\"kpgh9ap4xo1r\\", labels=map[org.mobyproject.buildkit.worker.executor:oci], platforms=[${platforms}]"\n`

describe("a booted builder's platforms", () => {
  it("come from buildkitd's start-up log, in the order buildx inspect shows them", () => {
    const log = `\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0040time="..." level=info msg="auto snapshotter: using overlayfs"\n\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0090${WORKER_LINE('linux/amd64 linux/amd64/v2 linux/386')}`
    expect(platformsFromBuildkitdLog(log)).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/386'])
    expect(parseInspect('Platforms:             linux/amd64, linux/amd64/v2, linux/386\n').platforms).toEqual(
      platformsFromBuildkitdLog(log)
    )
  })

  it.each([
    ['no worker line', 'level=info msg="running server"\n'],
    ['two workers (buildx would merge them)', WORKER_LINE('linux/amd64') + WORKER_LINE('linux/arm64')],
    ['an empty list', WORKER_LINE('')]
  ])('are left to `buildx inspect` when the log has %s', (_what, log) => {
    expect(platformsFromBuildkitdLog(log)).toBeUndefined()
  })

  it('are read from the local daemon only when the docker CLI would talk to it', () => {
    expect(usesLocalDaemon({}, undefined)).toBe(true)
    expect(usesLocalDaemon({}, '{"auths":{},"currentContext":"default"}')).toBe(true)
    expect(usesLocalDaemon({ DOCKER_HOST: 'tcp://remote:2376' }, undefined)).toBe(false)
    expect(usesLocalDaemon({ DOCKER_CONTEXT: 'remote' }, undefined)).toBe(false)
    expect(usesLocalDaemon({}, '{"currentContext":"remote"}')).toBe(false)
    expect(usesLocalDaemon({}, '{ not json')).toBe(false)
  })
})
