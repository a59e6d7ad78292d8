import { builderInputs as builder } from '../helpers/inputs.js'
import { tlsEndpointContext, tlsEndpointNote } from '../../src/topology/tls-endpoint.js'

describe('a Docker endpoint over TLS: the builder runs on a context of the job’s own', () => {
  it('when the default context has TLS data, for a docker-container builder with no endpoint', () => {
    expect(tlsEndpointContext(builder(), { defaultContextTls: true }, 'job-1')).toBe('job-1')
    expect(tlsEndpointNote('job-1')).toContain("the builder runs on a context of the job's own, job-1")
  })

  it.each([
    ['the default context has no TLS data', builder(), false],
    ['an endpoint is the user’s', builder({ endpoint: 'my-context' }), true],
    ['the builder is no container of the daemon (kubernetes)', builder({ driver: 'kubernetes' }), true],
    ["the builder is the daemon's own (docker)", builder({ driver: 'docker' }), true]
  ])('none when %s', (_why, given, defaultContextTls) => {
    expect(tlsEndpointContext(given, { defaultContextTls }, 'job-1')).toBe(undefined)
  })
})
