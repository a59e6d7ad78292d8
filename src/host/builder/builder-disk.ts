import { neutralizeUntrusted } from '../../untrusted-text.js'
import { builderDiskUsage } from './buildx.js'

// The builder's disk at post, for the summary: `docker buildx du`'s total, which buildx prints
// with go-units HumanSize (decimal units, 4 significant digits: `12.58MB`) on its `Total:` line
// (commands/diskusage.go printSummary, the same in buildx 0.13.1 and 0.29.1).

export interface BuilderDisk {
  /** As buildx printed it, neutralized: `12.58MB`. */
  text: string
  /** About that many bytes (HumanSize keeps 4 digits). */
  bytes: number
}

const DECIMAL: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18 }

/** The `Total:` line of `buildx du`; undefined when there is none to read. Pure. */
export function parseDuTotal(stdout: string): BuilderDisk | undefined {
  const match = /^Total:\s+(\d+(?:\.\d+)?)\s*([kMGTPE]?B)\s*$/m.exec(stdout)
  if (!match) return undefined
  return { text: `${match[1]}${match[2]}`, bytes: Math.round(Number(match[1]) * DECIMAL[match[2]]) }
}

/** The builder's cache, or why it could not be measured (buildx's words, made safe to print). */
export async function measureBuilderDisk(name: string): Promise<BuilderDisk | { failure: string }> {
  try {
    const disk = parseDuTotal(await builderDiskUsage(name))
    return disk ?? { failure: '`docker buildx du` printed no total' }
  } catch (error) {
    const firstLine = (error as Error).message.trim().split('\n')[0] ?? ''
    return { failure: neutralizeUntrusted(firstLine, 300) }
  }
}
