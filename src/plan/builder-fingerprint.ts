import { sha256Hex } from '../crypto.js'
import type { BuilderFingerprint, BuildxCreate, PlannedFile } from '../model.js'

// What makes a warm builder (`cleanup: false`, a fixed `name`) the one this job would create: the
// generated buildkitd.toml, the certificate and key files it names (their contents: a renewed CA
// is a new config under the same paths), and the `buildx create` arguments. Each part is kept as a
// SHA-256 digest, never as text, so the record beside the lease holds no secret and says which part
// changed. The job directory's name differs in every job: it is taken out first.

/** The part names, as a log line says which changed. */
export const FINGERPRINT_PARTS: Record<keyof BuilderFingerprint, string> = {
  config: 'buildkitd.toml',
  files: 'the certificate and key contents',
  args: 'the `buildx create` arguments (driver options, buildkitd flags, platforms)'
}

/** The builder's fingerprint, from the plan's parts; `dir` is the job directory. Pure. */
export function builderFingerprint(
  dir: string,
  toml: string,
  files: PlannedFile[],
  configPath: string,
  create: BuildxCreate
): BuilderFingerprint {
  const unjob = (text: string): string => text.split(dir).join('<job>')
  const certs = files
    .filter(file => file.path !== configPath)
    .map(file => [unjob(file.path), file.content])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const args = [create.args, ...create.appendArgs].map(list =>
    list.filter(arg => arg !== '--use' && arg !== '--bootstrap').map(unjob)
  )
  return { config: digest(unjob(toml)), files: digest(JSON.stringify(certs)), args: digest(JSON.stringify(args)) }
}

/** The parts of `now` that differ from `before`, named for the log. Pure. */
export function changedParts(before: BuilderFingerprint, now: BuilderFingerprint): string[] {
  return (Object.keys(FINGERPRINT_PARTS) as (keyof BuilderFingerprint)[])
    .filter(part => before[part] !== now[part])
    .map(part => FINGERPRINT_PARTS[part])
}

function digest(text: string): string {
  return sha256Hex(text)
}
