import { builderInputs } from '../helpers/inputs.js'
import { parseMirrors, parseRegistries } from '../../src/inputs/registries.js'
import { InputError } from '../../src/inputs/input-error.js'
import { DEFAULT_BUILDKIT_IMAGE, planBuilderImage } from '../../src/plan/builder-image.js'
import { planOf } from '../helpers/plan.js'

const HUB_MIRROR = 'mirror.example.com:5000'

function plan(
  options: { driverOpts?: string[]; driver?: string; mirror?: string; registries?: string; bootstrap?: boolean } = {}
) {
  const registries = parseRegistries(options.registries ?? '').map(line => ({ ...line, ownCa: '' }))
  return planOf(
    {
      config: { registries, mirrors: parseMirrors(options.mirror ?? ''), debug: false },
      builder: builderInputs({
        driver: options.driver ?? 'docker-container',
        driverOpts: options.driverOpts ?? [],
        bootstrap: options.bootstrap ?? true
      }),
      host: {
        installConfig: '',
        credentials: [{ host: HUB_MIRROR, username: 'robot', password: 'secret' }],
        daemonTrust: 'off',
        reclaim: true
      }
    },
    '/runner/temp/job'
  )
}

describe('planBuilderImage: which image, through which mirrors', () => {
  it("buildx's default image when no image= is given, booted at the create", () => {
    expect(plan().builderImage).toEqual({
      name: DEFAULT_BUILDKIT_IMAGE,
      reference: { registry: 'docker.io', repository: 'moby/buildkit', tag: 'buildx-stable-1', digest: undefined },
      mirrors: [],
      endpoint: '',
      bootsNow: true
    })
  })

  it('the last image= option, as buildx reads options into a map', () => {
    expect(plan({ driverOpts: ['image=a/b:1', 'network=host', 'image=c/d:2'] }).builderImage?.name).toBe('c/d:2')
  })

  it('a Docker Hub mirror carries the settings the builder gets for it, and its credentials', () => {
    const image = plan({ mirror: HUB_MIRROR, registries: `${HUB_MIRROR} http` }).builderImage
    expect(image?.mirrors).toEqual([
      expect.objectContaining({
        path: '',
        credential: { host: HUB_MIRROR, username: 'robot', password: 'secret' },
        registry: expect.objectContaining({ host: expect.objectContaining({ text: HUB_MIRROR }), transport: 'http' })
      })
    ])
  })

  it('an unlisted mirror with a path prefix: TLS, as the builder gets it', () => {
    const image = plan({ mirror: `docker.io=harbor.example.com/hub-proxy` }).builderImage
    expect(image?.mirrors).toEqual([
      expect.objectContaining({ path: '/hub-proxy', registry: expect.objectContaining({ transport: 'tls' }) })
    ])
  })

  it("mirrors of other registries do not apply; a mirror of the image's own registry does", () => {
    expect(plan({ mirror: `ghcr.io=${HUB_MIRROR}` }).builderImage?.mirrors).toEqual([])
    const own = plan({ mirror: `ghcr.io=${HUB_MIRROR}`, driverOpts: ['image=ghcr.io/team/buildkit:v1'] }).builderImage
    expect(own?.mirrors.map(mirror => mirror.registry.host.text)).toEqual([HUB_MIRROR])
  })

  it('`bootstrap: false`: the builder boots at its first build', () => {
    expect(plan({ bootstrap: false }).builderImage?.bootsNow).toBe(false)
  })

  it.each(['docker', 'remote', 'kubernetes'])('none for the %s driver: no image in a Docker daemon', driver => {
    expect(planBuilderImage(builderInputs({ driver }), { mirrors: [] }, [], [])).toBeUndefined()
  })

  it('an image= that is no reference is an InputError naming driver-opts', () => {
    expect(() => plan({ driverOpts: ['image=Moby/BuildKit'] })).toThrow(InputError)
    expect(() => plan({ driverOpts: ['image=Moby/BuildKit'] })).toThrow(
      /Input 'driver-opts': image=Moby\/BuildKit: 'BuildKit' is not a repository name/
    )
  })
})
