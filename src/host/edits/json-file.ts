// JSON files of other tools (daemon.json, the Docker client config) that the
// action edits: refused whole when they do not parse, and rewritten in their
// own layout so that a later diff shows only the keys that changed.

export type JsonObject = Record<string, unknown>

/** The object in a JSON file's text ('' or blank counts as {}). Throws, leaving the file alone, when it is not JSON. */
export function parseJsonObject(path: string, text: string): JsonObject {
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as JsonObject)
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); not touching it`)
  }
}

/**
 * `value` as JSON laid out like `existing`: the same indentation and final
 * newline. With no existing file, `fallbackIndent` and a final newline.
 */
export function stringifyLike(existing: string | undefined, value: JsonObject, fallbackIndent: string): string {
  if (existing === undefined || existing.trim() === '') return `${JSON.stringify(value, null, fallbackIndent)}\n`
  const indent = /^\{\s*?\n([ \t]+)"/.exec(existing)?.[1] ?? (existing.trim().includes('\n') ? fallbackIndent : '')
  const trailing = /\n$/.test(existing) ? '\n' : ''
  return JSON.stringify(value, null, indent) + trailing
}
