import { firstLineTracker, meaningfulLines } from '../../src/inputs/lines.js'

describe('meaningfulLines', () => {
  it('keeps line numbers past comments and blank lines', () => {
    expect(meaningfulLines('# c\n\n  a  # x\nb#not-a-comment')).toEqual([
      { text: 'a', line: 3 },
      { text: 'b#not-a-comment', line: 4 }
    ])
  })

  it('reads Windows line ends, and a comment after a tab', () => {
    expect(meaningfulLines('reg:5000 http\r\n\t# all comment\r\nother:1\t# why\r\n')).toEqual([
      { text: 'reg:5000 http', line: 1 },
      { text: 'other:1', line: 3 }
    ])
  })

  it('has no lines for an empty or blank input', () => {
    expect(meaningfulLines('')).toEqual([])
    expect(meaningfulLines(' \n\t\n')).toEqual([])
  })
})

describe('firstLineTracker', () => {
  it('returns the line a key first came on when it comes again, comparing as DNS does (case-insensitively)', () => {
    const seen = firstLineTracker()
    expect(seen('Reg.Example.com:5000', 2)).toBeUndefined()
    expect(seen('other:5000', 3)).toBeUndefined()
    expect(seen('reg.example.com:5000', 5)).toBe(2)
    // A third time still names the first line, not the second.
    expect(seen('REG.EXAMPLE.COM:5000', 9)).toBe(2)
  })

  it('remembers per tracker: each input has its own', () => {
    firstLineTracker()('reg', 1)
    expect(firstLineTracker()('reg', 4)).toBeUndefined()
  })
})
