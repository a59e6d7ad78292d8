import { builderInputs } from '../helpers/inputs.js'
import { parseMirrors, parseRegistries } from '../../src/inputs/registries.js'
import type { ConfigInputs } from '../../src/inputs/read-inputs.js'
import { planConfig, registryHosts } from '../../src/plan/config-plan.js'

const DIR = '/runner/temp/job'

function config(registries: string, mirror = ''): ConfigInputs {
  return {
    registries: parseRegistries(registries).map(line => ({ ...line, ownCa: '' })),
    mirrors: parseMirrors(mirror),
    debug: false
  }
}

describe('planConfig: the registries and buildkitd.toml', () => {
  it('buildkitd.toml first, then each registry’s files; one registry per host, every listed host once per line', () => {
    const plan = planConfig(
      {
        config: { ...config('reg.internal:5443', 'docker.io=reg.internal:5443'), caCert: 'CA' },
        builder: builderInputs()
      },
      DIR,
      [],
      undefined
    )
    expect(plan.files.map(file => file.path)).toEqual([
      `${DIR}/buildkitd.toml`,
      `${DIR}/certs/reg.internal_5443/ca.pem`
    ])
    expect(plan.registries.map(registry => [registry.host.text, registry.source])).toEqual([
      ['reg.internal:5443', 'registries']
    ])
    expect(plan.hosts.map(host => host.text)).toEqual(['reg.internal:5443', 'reg.internal:5443'])
    expect(plan.toml).toContain('mirrors = [ "reg.internal:5443" ]')
    expect([plan.caScope, plan.gc, plan.docker]).toEqual([undefined, undefined, undefined])
  })
})

describe('registryHosts: what the runner’s network is read for', () => {
  it('the registries, then the mirrors, then the daemon’s, as listed', () => {
    const daemon = parseRegistries('daemon.lan:5000').map(line => line.host)
    const hosts = registryHosts(config('a.lan\nb.lan', 'm.lan'), daemon)
    expect(hosts.map(host => host.text)).toEqual(['a.lan', 'b.lan', 'm.lan', 'daemon.lan:5000'])
  })
})
