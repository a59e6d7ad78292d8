import { neutralizeUntrusted, neutralizeUntrustedLine } from '../src/untrusted-text.js'

// What the runner would take for a workflow command in a line (actions/runner's ActionCommand:
// TryParseV2 trims leading white space and needs `::`, TryParse finds `##[` anywhere); read from
// its source, so that these tests state what reaches the runner, not what our function does.
function runnerCommands(printed: string): string[] {
  return printed.split(/\r\n|\r|\n/).filter(line => line.trimStart().startsWith('::') || line.includes('##['))
}

describe('neutralizeUntrusted', () => {
  it.each([
    ['a body that stops commands', 'error\n::stop-commands::tok\nmore'],
    ['an annotation forged after a CRLF', 'oops\r\n::error title=Build passed::all good'],
    ['a lone carriage return', 'oops\r::warning::x'],
    ['indented command', 'oops\n \t ::add-mask::secret'],
    ['the old ##[ form mid-line', 'text ##[set-env name=A;]b'],
    ['a command at the very start', '::set-output name=x::y']
  ])('leaves the runner no workflow command: %s', (_name, body) => {
    expect(runnerCommands(body).length).toBeGreaterThan(0)
    expect(runnerCommands(neutralizeUntrusted(body))).toEqual([])
  })

  it('keeps ordinary text and its lines as they were', () => {
    const text = 'Get "https://[::1]:5000/v2/": dial tcp [::1]:5000: connect: connection refused\nsecond line\ttab'
    expect(neutralizeUntrusted(text)).toBe(text)
  })

  it('shows control characters escaped, never raw', () => {
    expect(neutralizeUntrusted('bell\u0007 esc\u001b[31m del\u007f sep\u2028')).toBe(
      'bell\\x07 esc\\x1b[31m del\\x7f sep\\u2028'
    )
  })

  it('cuts a long body and says how much was left out', () => {
    const shown = neutralizeUntrusted('x'.repeat(5000), 100)
    expect(shown).toBe(`${'x'.repeat(100)} … (4900 more characters not shown)`)
  })

  it('puts a body on one line where a line is needed', () => {
    const line = neutralizeUntrustedLine('a\r\nb\n::error::c')
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toContain('a\\nb\\n')
    expect(runnerCommands(line)).toEqual([])
  })
})
