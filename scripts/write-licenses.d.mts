// Types for scripts/write-licenses.mjs, for its test.
/** Webpack's stats as ncc's --stats-out writes them: the parts write-licenses reads. */
export interface BundleStats {
  modules?: StatsModule[]
  chunks?: { modules?: StatsModule[] }[]
}
export interface StatsModule {
  name?: string
  modules?: StatsModule[]
}
export function bundledPackageDirs(stats: BundleStats): string[]
export function licenseEntry(projectDir: string, packageDir: string): string
