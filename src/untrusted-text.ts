// Text the action did not write (a registry's or mirror's body and headers, a token realm, docker's
// and buildx's output) goes through here before it reaches a log line, an annotation, the summary or
// an output. The runner reads every line a step prints for workflow commands: a line that starts
// with `::` after white space (its ActionCommand.TryParseV2 trims first) and the older `##[` form
// anywhere in a line (TryParse). A body holding "\n::stop-commands::T" would make the runner ignore
// the step's later `::add-mask::` lines; "\n::error title=…::" would forge an annotation.
//
// So: line breaks stay only as "\n" (a lone "\r" is a line break to the runner too, so it is shown
// escaped), every other control character is shown escaped, a `::` that would open a line gets a
// zero-width space between its colons, and so does every `##[`; the text is cut at a length a log
// line can bear. Pure; the one place this is decided.

/** How much of one untrusted text is shown: an error body longer than this is noise in a log. */
export const UNTRUSTED_MAX_CHARS = 2000

const ZERO_WIDTH_SPACE = '\u200b'

/** A control character (C0 but tab and newline, DEL, C1) or a Unicode line or paragraph separator. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g

function escapeControl(char: string): string {
  const code = char.charCodeAt(0)
  if (char === '\r') return '\\r'
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One line that can open no workflow command, whatever it held. */
function neutralizeLine(line: string): string {
  const escaped = line.replace(CONTROL, escapeControl).replaceAll('##[', `##${ZERO_WIDTH_SPACE}[`)
  return escaped.replace(/^(\s*):(?=:)/, `$1:${ZERO_WIDTH_SPACE}`)
}

/**
 * Untrusted text made safe to print: it keeps its lines (CRLF read as one break), opens no workflow
 * command on any of them, and is at most UNTRUSTED_MAX_CHARS long (the cut said at its end).
 */
export function neutralizeUntrusted(text: string, maxChars = UNTRUSTED_MAX_CHARS): string {
  const cut = text.slice(0, maxChars)
  const rest = text.length - cut.length
  const lines = cut.replace(/\r\n/g, '\n').split('\n').map(neutralizeLine)
  return rest > 0 ? `${lines.join('\n')} … (${rest} more characters not shown)` : lines.join('\n')
}

/** Untrusted text on one line, for a place that must stay one line (a table cell, a message's middle). */
export function neutralizeUntrustedLine(text: string, maxChars = UNTRUSTED_MAX_CHARS): string {
  return neutralizeUntrusted(text.replace(/\r\n/g, '\n'), maxChars).replace(/\n/g, '\\n')
}

/**
 * Untrusted text as HTML element content (the job summary's table cells): one line, since a blank
 * line would end the summary's HTML block and what follows would render as Markdown (links,
 * images); `&`, `<`, `>` and quotes escaped, so it opens no tag.
 */
export function neutralizeUntrustedHtml(text: string, maxChars = UNTRUSTED_MAX_CHARS): string {
  return neutralizeUntrustedLine(text, maxChars).replace(/[&<>"']/g, char => HTML_ENTITIES[char])
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * A child's output streamed into the step's log as it comes (`buildx create`, `docker logs`), each
 * line neutralized. A line is passed on once it is complete (a chunk may end mid-line, or between
 * the "\r" and "\n" of a CRLF); end() passes on the rest with a line break, so that the step's own
 * next line (an `::add-mask::`) starts a line of its own, as the runner needs. Lines are not cut.
 */
export class UntrustedLineStream {
  private pending = ''

  /** The complete lines of `chunk` (and of what came before it), neutralized, each ending in "\n". */
  write(chunk: string): string {
    const text = this.pending + chunk
    const end = text.lastIndexOf('\n') + 1
    this.pending = text.slice(end)
    return end === 0 ? '' : shownLines(text.slice(0, end - 1))
  }

  /** What is left of an unfinished last line, neutralized, with its line break; '' when nothing is. */
  end(): string {
    const rest = this.pending
    this.pending = ''
    return rest === '' ? '' : shownLines(rest)
  }
}

function shownLines(text: string): string {
  return (
    text
      .split('\n')
      .map(line => neutralizeLine(line.endsWith('\r') ? line.slice(0, -1) : line))
      .join('\n') + '\n'
  )
}
