import { parseCredentialLines, resolveCredentials } from '../../src/inputs/credentials.js'
import { inputErrorOf } from '../helpers/input-errors.js'

describe('credentials input', () => {
  it('reads HOST=USERNAME:PASSWORD lines; the password may hold : and =', () => {
    expect(parseCredentialLines('# ours\nreg.internal:5443=ci:pa:ss=w0rd\n\nghcr.io=bot:tok')).toEqual([
      { host: 'reg.internal:5443', username: 'ci', password: 'pa:ss=w0rd' },
      { host: 'ghcr.io', username: 'bot', password: 'tok' }
    ])
  })

  it.each([
    ['reg.internal=ci', 'is not HOST=USERNAME:PASSWORD'],
    ['=ci:secret-value', 'is not HOST=USERNAME:PASSWORD'],
    ['reg.internal=:secret-value', 'the username for reg.internal is empty'],
    ['reg.internal=ci:', 'the password for reg.internal is empty'],
    ['https://reg.internal=ci:secret-value', 'has a scheme']
  ])('rejects %j, naming the line but never showing the password', (line, problem) => {
    const error = inputErrorOf(() => parseCredentialLines(`# c\n${line}`))
    expect(error.message).toContain("Input 'credentials', line 2")
    expect(error.message).toContain(problem)
    expect(error.message).not.toContain('secret-value')
  })

  it('rejects two lines for one registry', () => {
    expect(inputErrorOf(() => parseCredentialLines('r:1=a:b\nR:1=c:d')).message).toContain(
      'R:1 has credentials on line 1 already'
    )
  })

  it('applies username/password to every listed registry; a credentials line wins for its host', () => {
    const lines = parseCredentialLines('b.internal=bee:own')
    expect(resolveCredentials(['a.internal', 'b.internal'], { username: 'ci', password: 'shared' }, lines)).toEqual([
      { host: 'a.internal', username: 'ci', password: 'shared' },
      { host: 'b.internal', username: 'bee', password: 'own' }
    ])
  })
})
