/**
 * Splits a multi-line input into its meaningful lines, keeping 1-based line
 * numbers. `#` starts a comment at the beginning of a line or after white space.
 */
export function meaningfulLines(text: string): { text: string; line: number }[] {
  return text
    .split(/\r?\n/)
    .map((raw, index) => ({ text: raw.replace(/(^|\s)#.*$/, '').trim(), line: index + 1 }))
    .filter(entry => entry.text !== '')
}

/**
 * The list inputs take one entry per key: this remembers the line each key
 * (a host, compared case-insensitively as DNS does) first came on, and returns
 * that line when it comes again, so the error can name both lines.
 */
export function firstLineTracker(): (key: string, line: number) => number | undefined {
  const firstLines = new Map<string, number>()
  return (key, line) => {
    const normalized = key.toLowerCase()
    const earlier = firstLines.get(normalized)
    if (earlier === undefined) firstLines.set(normalized, line)
    return earlier
  }
}
