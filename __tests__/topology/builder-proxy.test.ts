import type { PlannedRegistry } from '../../src/model.js'
import { planBuilderProxy, proxyDriverOpts, withProxyRoute } from '../../src/topology/builder-proxy.js'

const RUNNER = {
  HTTP_PROXY: 'http://user:secret@proxy.corp:3128',
  https_proxy: 'http://user:secret@proxy.corp:3128',
  NO_PROXY: 'localhost,.corp'
}

describe('planBuilderProxy', () => {
  it('passes each proxy variable the runner has, in its own case, to a docker-container builder', () => {
    const proxy = planBuilderProxy('docker-container', ['image=moby/buildkit'], RUNNER)
    expect(proxy.driverOpts).toEqual([
      'env.HTTP_PROXY=http://user:secret@proxy.corp:3128',
      'env.https_proxy=http://user:secret@proxy.corp:3128',
      // One CSV field: buildx would split an unquoted list at its commas.
      '"env.NO_PROXY=localhost,.corp"'
    ])
    expect(proxy.builderEnv).toEqual(RUNNER)
    expect(proxy.loopback).toEqual([])
    expect(proxy.notes).toEqual([
      "Proxy: the builder gets the runner's HTTP_PROXY, https_proxy, NO_PROXY (--driver-opt env.NAME=…)"
    ])
  })

  it("keeps the user's env.X, in either case, instead of the runner's, and says so", () => {
    const proxy = planBuilderProxy(
      'docker-container',
      ['env.HTTPS_PROXY=http://other:8080', '"env.no_proxy=*,.corp"'],
      RUNNER
    )
    expect(proxy.driverOpts).toEqual(['env.HTTP_PROXY=http://user:secret@proxy.corp:3128'])
    expect(proxy.builderEnv).toEqual({
      HTTP_PROXY: RUNNER.HTTP_PROXY,
      HTTPS_PROXY: 'http://other:8080',
      no_proxy: '*,.corp'
    })
    expect(proxy.notes).toEqual([
      "Proxy: the builder gets the runner's HTTP_PROXY (--driver-opt env.NAME=…); env.HTTPS_PROXY, env.no_proxy as set in `driver-opts`"
    ])
  })

  it('names a proxy on loopback, without its credentials, for the host network', () => {
    const proxy = planBuilderProxy('docker-container', [], {
      HTTPS_PROXY: 'http://u:p@127.0.0.1:3128',
      HTTP_PROXY: 'localhost:3128'
    })
    expect(proxy.loopback).toEqual(['HTTP_PROXY=http://localhost:3128', 'HTTPS_PROXY=http://***@127.0.0.1:3128'])
  })

  it.each(['kubernetes', 'remote', 'docker'])(
    'passes nothing to a %s builder, and says the runner has proxies',
    driver => {
      const proxy = planBuilderProxy(driver, [], RUNNER)
      expect(proxy.driverOpts).toEqual([])
      expect(proxy.loopback).toEqual([])
      expect(proxy.notes[0]).toContain(
        `the runner has HTTP_PROXY, https_proxy, NO_PROXY, which the ${driver} driver's BuildKit does not get`
      )
    }
  )

  it('says nothing when the runner has no proxy', () => {
    expect(planBuilderProxy('docker-container', [], {})).toEqual({
      driverOpts: [],
      builderEnv: {},
      loopback: [],
      notes: []
    })
  })

  it('an appended node with its own env.HTTPS_PROXY keeps it', () => {
    expect(
      proxyDriverOpts('docker-container', ['env.HTTPS_PROXY=http://node:1'], { HTTPS_PROXY: 'http://runner:1' })
    ).toEqual([])
  })
})

describe('withProxyRoute: the proxies preflight goes through', () => {
  const registries = [
    {
      host: { text: 'reg', hostname: 'reg' },
      transport: 'http',
      mode: 'http',
      source: 'registries',
      line: 1,
      written: [],
      ca: ''
    }
  ] as PlannedRegistry[]

  it('the builder’s and the runner’s variables on each registry; the same registries without any', () => {
    const proxy = planBuilderProxy('docker-container', [], { HTTPS_PROXY: 'http://proxy:3128' })
    const routed = withProxyRoute(registries, proxy, { HTTPS_PROXY: 'http://proxy:3128' })
    expect(routed[0].proxyEnv).toEqual({
      builder: { HTTPS_PROXY: 'http://proxy:3128' },
      runner: { HTTPS_PROXY: 'http://proxy:3128' }
    })
    expect(registries[0].proxyEnv).toBe(undefined)
    expect(withProxyRoute(registries, planBuilderProxy('docker-container', [], {}), {})).toBe(registries)
  })
})
