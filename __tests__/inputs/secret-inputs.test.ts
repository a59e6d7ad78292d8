import { jest } from '@jest/globals'
import { createPrivateKey } from 'node:crypto'
import { readInputs } from '../../src/inputs/read-inputs.js'
import { credentialPasswords, driverOptProxySecrets } from '../../src/inputs/secret-inputs.js'
import { makePki, type TestPki } from '../helpers/certs.js'
import { inputErrorOf } from '../helpers/input-errors.js'
import { withInputs } from '../helpers/inputs.js'

let pki: TestPki
/** What the step wrote to stdout, in order: log lines and workflow commands such as ::add-mask::. */
let stdout: string

beforeAll(() => {
  pki = makePki()
})

beforeEach(() => {
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk)
    return true
  })
})

afterEach(() => jest.restoreAllMocks())

/** The client key as a JWK (one line of JSON) and its private part alone (base64url): keys, not paths. */
function otherKeyForms(): { jwk: string; d: string } {
  const jwk = createPrivateKey(pki.clientKey).export({ format: 'jwk' })
  return { jwk: JSON.stringify(jwk), d: String(jwk.d) }
}

describe('secret inputs are masked before any input is parsed, and never quoted', () => {
  it.each(['client-key', 'endpoint-client-key'])(
    '%s as a JWK or bare base64url: masked first, and the error does not show it',
    input => {
      const certInput = input === 'client-key' ? 'client-cert' : 'endpoint-client-cert'
      for (const value of Object.values(otherKeyForms())) {
        stdout = ''
        withInputs({ [certInput]: pki.clientCert, [input]: value, driver: 'remote', endpoint: 'tcp://b:1234' })
        const error = inputErrorOf(readInputs)
        expect(error.input).toBe(input)
        expect(error.message).not.toContain(value.slice(0, 12))
        // The first thing the step says is the mask: nothing before it could show the value.
        expect(stdout.split('\n')[0]).toBe(`::add-mask::${value}`)
        // Bare base64url without `-` or `_` reads as base64 that is not of PEM, refused unquoted the same.
        if (/^[A-Za-z0-9+/]+$/.test(value)) continue
        expect(error.message).toBe(
          `Input '${input}': is not PEM text, nor base64 of it, nor the path of a file that exists (the value is not shown: it may be the key itself, in another format such as a JWK). Fix: pass the unencrypted private key as PEM text with its "-----BEGIN" and "-----END" lines (e.g. \${{ secrets.CLIENT_KEY }}), base64 of it (\`base64 -w0 client.key\`), or the path of a PEM file on the runner`
        )
      }
    }
  )

  it('a key given as the path of a file is read, and the path is not masked', () => {
    withInputs({ 'client-cert': pki.clientCertPath, 'client-key': pki.clientKeyPath })
    expect(readInputs().config.clientKeypair?.key).toBe(pki.clientKey)
    expect(stdout).not.toContain(`::add-mask::${pki.clientKeyPath}\n`)
  })

  it('password and the passwords of credentials lines, even of a line that does not parse, are masked before the first error', () => {
    withInputs({
      registries: 'reg.internal',
      username: 'ci',
      password: 'p4ss-word',
      credentials: 'a.internal=robot:t0ken:with:colons\nbroken-line-without-user:s3cret',
      name: '-bad name'
    })
    const error = inputErrorOf(readInputs)
    expect(error.input).toBe('name')
    expect(stdout).toContain('::add-mask::p4ss-word\n')
    expect(stdout).toContain('::add-mask::t0ken:with:colons\n')
    expect(stdout).toContain('::add-mask::s3cret\n')
  })

  it('the password of a proxy URL in driver-opts is masked', () => {
    withInputs({ 'driver-opts': 'env.HTTPS_PROXY=http://proxy-user:pr0xy-pass@proxy.corp:3128\nimage=x' })
    readInputs()
    expect(stdout).toContain('::add-mask::pr0xy-pass\n')
  })
})

describe('credentialPasswords', () => {
  it('cuts each line as the parser does: after HOST=USERNAME:', () => {
    expect(credentialPasswords('a=u:p\n# comment\nb:5000=u2:p:2\nno-password=u:\nc=nocolon')).toEqual(['p', 'p:2'])
  })
})

describe('driverOptProxySecrets', () => {
  it('reads env.*_PROXY options, quoted CSV fields too, and nothing else', () => {
    expect(
      driverOptProxySecrets([
        '"env.https_proxy=http://u:pw@p:3128"',
        'env.NO_PROXY=a,b',
        'env.FOO=http://x:y@z',
        'image=moby/buildkit'
      ])
    ).toEqual(expect.arrayContaining(['pw', 'u:pw']))
    expect(driverOptProxySecrets(['env.FOO=http://x:y@z'])).toEqual([])
  })
})
