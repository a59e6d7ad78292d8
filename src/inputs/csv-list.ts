/**
 * A list input as docker/setup-buildx-action reads `platforms`: @docker/actions-toolkit's
 * Util.getList, which runs csv-parse (relaxQuotes, relaxColumnCount, skipEmptyLines) and then
 * splits every one-field record on commas again. So entries are separated by commas or newlines;
 * a double quote opens a quoted field only as a field's first character (`""` inside is a quote),
 * elsewhere it is kept as written. Written out here, not csv-parse, for this one input.
 * (The behaviour of Apache-2.0 code, Copyright 2023 actions-toolkit authors: THIRD_PARTY_NOTICES.md.)
 */
export function parseCsvList(text: string): string[] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let inQuotes = false
  const endField = (): void => {
    record.push(field)
    field = ''
    quoted = false
  }
  const endRecord = (): void => {
    endField()
    // skipEmptyLines: a line with nothing on it is no record.
    if (!(record.length === 1 && record[0] === '')) records.push(record)
    record = []
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') {
        inQuotes = false
      } else {
        field += char
      }
    } else if (char === '"' && field === '' && !quoted) {
      inQuotes = true
      quoted = true
    } else if (char === ',') {
      endField()
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      endRecord()
    } else {
      field += char
    }
  }
  if (field !== '' || record.length > 0 || quoted) endRecord()
  return records
    .flatMap(fields => (fields.length === 1 ? fields[0].split(',') : fields))
    .map(entry => entry.trim())
    .filter(entry => entry !== '')
}
