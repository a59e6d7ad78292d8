import { preflightOutput, type PreflightResult } from '../../src/preflight/preflight.js'

describe('preflightOutput', () => {
  it('is the results as documented: the realm as shown, never the raw one kept for the daemon trust', () => {
    const result: PreflightResult = {
      host: 'reg.example:5000',
      mode: 'tls',
      ok: false,
      kind: 'token-unreachable',
      message: 'token endpoint https://../token unreachable',
      fix: 'check its token service',
      realm: 'https://../token\\n:\u200b:error::x',
      tokenRealm: { url: 'https://../token\n::error::x', fetched: false },
      ms: 5
    }
    expect(JSON.parse(preflightOutput([result]))).toEqual([
      {
        host: 'reg.example:5000',
        mode: 'tls',
        ok: false,
        kind: 'token-unreachable',
        message: 'token endpoint https://../token unreachable',
        fix: 'check its token service',
        realm: 'https://../token\\n:\u200b:error::x',
        ms: 5
      }
    ])
  })
})
