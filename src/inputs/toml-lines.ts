/**
 * A key's path in a parsed TOML table: table and key names, and for an array of tables (`[[a.b]]`)
 * the index of its entry, as `['worker', 'oci', 'gcpolicy', 0, 'keepDuration']`.
 */
export type KeyPath = readonly (string | number)[]

/**
 * Where each key of a TOML text is: its 1-based line. smol-toml's parse result has no positions,
 * so this reads the text again, line by line: table headers `[a."b.c"]`, array-of-tables headers
 * `[[a.b]]` (counted per array), and `key = value` lines with bare, quoted and dotted keys.
 * It skips the inside of multi-line strings and of arrays and inline tables that span lines.
 * What it cannot name is a key inside an inline table or an inline array of tables
 * (`keypair = [{ key = "…" }]`) or in a value's continuation lines: for those, `lineOf` gives the
 * line of the nearest enclosing key it found, which is where the value starts. It assumes the
 * text parses (the caller parsed it first).
 */
export function keyLines(text: string): (path: KeyPath) => number | undefined {
  const lines = new Map<string, number>()
  const arrayCounts = new Map<string, number>()
  const record = (path: KeyPath, line: number): void => {
    // A dotted key or header also defines the tables along its path; the first mention wins.
    for (let end = 1; end <= path.length; end++) {
      const id = JSON.stringify(path.slice(0, end))
      if (!lines.has(id)) lines.set(id, line)
    }
  }

  let table: KeyPath = []
  let open: Continuation | undefined
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1
    if (open) {
      open = continueValue(raw, open)
      return
    }
    const source = raw.trim()
    if (source === '' || source.startsWith('#')) return
    const arrayHeader = source.startsWith('[[') ? headerKey(source, 2) : undefined
    const header = arrayHeader || (source.startsWith('[') ? headerKey(source, 1) : undefined)
    if (header) {
      const keys = parseKey(header)
      if (!keys) return
      // A header inside an array of tables names its latest entry, and an array nested there counts within
      // that entry: resolve the parents first.
      const path = resolveIndices(keys, arrayCounts)
      if (arrayHeader) {
        const id = JSON.stringify(path)
        const entry = arrayCounts.get(id) ?? 0
        arrayCounts.set(id, entry + 1)
        table = [...path, entry]
      } else {
        table = path
      }
      record(table, line)
      return
    }
    const assignment = splitAssignment(source)
    if (!assignment) return
    const keys = parseKey(assignment.key)
    if (!keys) return
    record([...table, ...keys], line)
    open = continueValue(assignment.value, { depth: 0 })
  })

  return path => {
    for (let end = path.length; end > 0; end--) {
      const line = lines.get(JSON.stringify(path.slice(0, end)))
      if (line !== undefined) return line
    }
    return undefined
  }
}

/** Inside an array of tables, a table header names its latest entry. */
function resolveIndices(keys: string[], arrayCounts: Map<string, number>): KeyPath {
  const path: (string | number)[] = []
  for (const key of keys) {
    path.push(key)
    const count = arrayCounts.get(JSON.stringify(path))
    if (count !== undefined && path.length < keys.length) path.push(count - 1)
  }
  return path
}

/** A value that goes on past its line: an open multi-line string, or open brackets. */
interface Continuation {
  depth: number
  string?: '"""' | "'''"
}

/** Reads one line of a value; the state after it, or undefined once the value is complete. */
function continueValue(text: string, state: Continuation): Continuation | undefined {
  let { depth, string } = state
  let i = 0
  while (i < text.length) {
    if (string) {
      const close = text.indexOf(string, i)
      if (close < 0) return { depth, string }
      i = close + 3
      string = undefined
      continue
    }
    const char = text[i]
    if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
      string = text.slice(i, i + 3) as '"""' | "'''"
      i += 3
    } else if (char === '"' || char === "'") {
      i = endOfString(text, i) + 1
    } else if (char === '#') {
      break
    } else {
      if (char === '[' || char === '{') depth++
      if (char === ']' || char === '}') depth--
      i++
    }
  }
  return string || depth > 0 ? { depth, string } : undefined
}

/** The index of the quote that closes the one-line string opening at `start`. */
function endOfString(text: string, start: number): number {
  const quote = text[start]
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++
    else if (text[i] === quote) return i
  }
  return text.length
}

/** The index of the first `char` at or after `from` outside quoted strings; -1 when there is none. */
function indexOutsideQuotes(source: string, char: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === '"' || source[i] === "'") i = endOfString(source, i)
    else if (source[i] === char) return i
  }
  return -1
}

/** The key of a `[…]` or `[[…]]` header: up to the first `]` outside quotes. */
function headerKey(source: string, brackets: number): string | undefined {
  const end = indexOutsideQuotes(source, ']', brackets)
  return end === -1 ? undefined : source.slice(brackets, end)
}

/** `key = value` at the start of a line, the key as written (quotes kept). */
function splitAssignment(source: string): { key: string; value: string } | undefined {
  const equals = indexOutsideQuotes(source, '=', 0)
  return equals === -1 ? undefined : { key: source.slice(0, equals), value: source.slice(equals + 1) }
}

/** A TOML key as written (`a."b.c".'d'`) into its parts; undefined if it is not one. */
export function parseKey(written: string): string[] | undefined {
  const parts: string[] = []
  let rest = written.trim()
  while (rest !== '') {
    if (rest[0] === '"' || rest[0] === "'") {
      const end = endOfString(rest, 0)
      if (end >= rest.length) return undefined
      const quoted = rest.slice(0, end + 1)
      parts.push(rest[0] === '"' ? unescape(quoted) : quoted.slice(1, -1))
      rest = rest.slice(end + 1).trim()
    } else {
      const bare = /^[A-Za-z0-9_-]+/.exec(rest)
      if (!bare) return undefined
      parts.push(bare[0])
      rest = rest.slice(bare[0].length).trim()
    }
    if (rest === '') break
    if (rest[0] !== '.') return undefined
    rest = rest.slice(1).trim()
  }
  return parts.length > 0 ? parts : undefined
}

/** A basic string's text; TOML escapes are JSON's but for \U and \e, which host names never hold. */
function unescape(quoted: string): string {
  try {
    return JSON.parse(quoted) as string
  } catch {
    return quoted.slice(1, -1)
  }
}
