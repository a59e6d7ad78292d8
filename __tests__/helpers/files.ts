import { existsSync, readdirSync } from 'node:fs'

/** Every file and directory below `dir`, as paths relative to it; none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []
}
