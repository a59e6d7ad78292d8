import {
  neutralizeUntrusted,
  neutralizeUntrustedHtml,
  neutralizeUntrustedLine,
  UntrustedLineStream
} from '../src/untrusted-text.js'
import { workflowCommands } from './helpers/workflow-commands.js'

/** The lines the runner would take for workflow commands. */
function runnerCommands(printed: string): string[] {
  return workflowCommands(printed).map(command => command.line)
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

  it('makes HTML cell text of a body: one line, no tag, no command', () => {
    const cell = neutralizeUntrustedHtml(
      'denied\n\n![x](https://evil.example/p.png) <img src=x onerror="y"> & \'z\'\n::error::c'
    )
    expect(cell).toBe(
      'denied\\n\\n![x](https://evil.example/p.png) &lt;img src=x onerror=&quot;y&quot;&gt; &amp; &#39;z&#39;\\n:\u200b:error::c'
    )
    expect(cell.split('\n')).toHaveLength(1)
  })
})

describe('UntrustedLineStream', () => {
  it('passes on whole lines, neutralized, whatever the chunks, and ends the last one', () => {
    const stream = new UntrustedLineStream()
    const chunks = ['#1 resolve\n::stop-', 'commands::tok\r', '\n ##[set-env name=A;]b\r\n::add-', 'mask::x']
    const shown = chunks.map(chunk => stream.write(chunk)).join('') + stream.end()
    expect(shown).toBe('#1 resolve\n:\u200b:stop-commands::tok\n ##\u200b[set-env name=A;]b\n:\u200b:add-mask::x\n')
    expect(runnerCommands(shown)).toEqual([])
  })

  it('holds back a line until it is complete, and shows nothing at the end when all was said', () => {
    const stream = new UntrustedLineStream()
    expect(stream.write('::err')).toBe('')
    expect(stream.write('or::x\n')).toBe(':\u200b:error::x\n')
    expect(stream.end()).toBe('')
  })
})
