import { InputError } from '../inputs/input-error.js'
import { meaningfulLines } from '../inputs/lines.js'
import { nameOf, parseImageReference, type ImageReference } from '../image-reference.js'

// The merge sub-action's inputs, read and checked before anything is asked of a registry.

/** One entry of a list input, with where it was written. */
export interface Entry<T> {
  value: T
  line: number
  /** `entry 2 ('…')` when its line holds several, for the error. */
  entry?: string
}

export interface MergeInputs {
  /** The image references by digest, in the order given (the index keeps it). */
  sources: Entry<ImageReference & { digest: string }>[]
  /** Where the index goes: a tag in a repository of the sources' registry. */
  tags: Entry<ImageReference & { tag: string }>[]
  /** The registry every reference names. */
  registry: string
}

/** The entries of a list input: one a line or comma-separated, `#` comments, as the main action's lists. */
export function listEntries(text: string): Entry<string>[] {
  return meaningfulLines(text).flatMap(({ text: line, line: number }) => {
    const parts = line
      .split(',')
      .map(part => part.trim())
      .filter(part => part !== '')
    return parts.map((value, index) => ({
      value,
      line: number,
      entry: parts.length > 1 ? `entry ${index + 1} ('${value}')` : undefined
    }))
  })
}

/** Bad input at `entry` of `input`: the error names its line (and its place on the line). */
export function entryError(input: string, entry: Entry<unknown>, problem: string, fix: string): InputError {
  return new InputError(input, problem, fix, entry.line, entry.entry)
}

function parsed(input: string, entry: Entry<string>, fix: string): ImageReference {
  try {
    return parseImageReference(entry.value)
  } catch (error) {
    throw entryError(input, entry, (error as Error).message, fix)
  }
}

/** Reads `sources` and `tags` (pure): every reference on one registry, sources by digest, tags by tag. */
export function readMergeInputs(sourcesText: string, tagsText: string): MergeInputs {
  const sourceEntries = listEntries(sourcesText)
  const tagEntries = listEntries(tagsText)
  if (sourceEntries.length === 0)
    throw new InputError(
      'sources',
      'no image is given',
      "name each leg's image by digest, one per line: REGISTRY/REPOSITORY@sha256:… " +
        "(buildx's metadata file has it as containerimage.digest)"
    )
  if (tagEntries.length === 0)
    throw new InputError('tags', 'no tag is given', 'name the tag the index goes under: REGISTRY/REPOSITORY:TAG')
  const sources = sourceEntries.map(readSource)
  const registry = sources[0].value.registry
  for (const source of sources)
    if (source.value.registry !== registry)
      throw entryError(
        'sources',
        source,
        `'${source.value.registry}' is another registry than line ${sources[0].line}'s '${registry}': ` +
          'one index lives on one registry and can reference only what is there',
        `push every leg to ${registry} (or merge each registry's legs separately)`
      )
  const tags = tagEntries.map(entry => readTag(entry, registry))
  return { sources, tags, registry }
}

/** A `sources` entry: an image by digest alone (a tag can move between the build and the merge). */
function readSource(entry: Entry<string>): MergeInputs['sources'][number] {
  const reference = parsed('sources', entry, 'write REGISTRY/REPOSITORY@sha256:<64 hex digits>')
  if (!reference.digest)
    throw entryError(
      'sources',
      entry,
      `'${entry.value}' is a tag, not a digest: a tag can move between the build and the merge`,
      `name the image by its digest, ${nameOf(reference)}@sha256:… ` +
        "(the leg's `docker buildx build --metadata-file` has it as containerimage.digest)"
    )
  if (reference.tag)
    throw entryError(
      'sources',
      entry,
      `'${entry.value}' has both a tag and a digest`,
      `write ${nameOf(reference)}@${reference.digest}`
    )
  return { ...entry, value: { ...reference, digest: reference.digest } }
}

/** A `tags` entry: REGISTRY/REPOSITORY:TAG on the sources' registry. */
function readTag(entry: Entry<string>, registry: string): MergeInputs['tags'][number] {
  const reference = parsed('tags', entry, 'write REGISTRY/REPOSITORY:TAG')
  if (!reference.tag || reference.digest)
    throw entryError(
      'tags',
      entry,
      `'${entry.value}' is not REGISTRY/REPOSITORY:TAG`,
      `write ${nameOf(reference)}:TAG (the index's own digest is the step's \`digest\` output)`
    )
  if (reference.registry !== registry)
    throw entryError(
      'tags',
      entry,
      `'${reference.registry}' is another registry than the sources' '${registry}': ` +
        'the index can only go where its manifests are',
      `tag in a repository of ${registry}, e.g. ${registry}/${reference.repository}:${reference.tag}`
    )
  return { ...entry, value: { ...reference, tag: reference.tag } }
}
