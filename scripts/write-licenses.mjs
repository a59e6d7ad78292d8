// Part of `npm run bundle`: writes dist/licenses.txt, the licenses of every package the bundle holds.
// Not ncc's `--license` (its webpack license plugin): that one lists only the packages it sees as
// CommonJS modules of their own, and missed @actions/core, undici and smol-toml, which are in the
// bundle. This reads the modules webpack actually bundled from ncc's `--stats-out` file instead.
//
//   node scripts/write-licenses.mjs STATS_JSON... OUT_FILE  (one stats file per bundle)
//
// The stats file is removed once read: it is a build by-product, not part of dist/.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The package directories (relative to the project, e.g. `node_modules/@actions/core`) of every
 * module in webpack's stats, sorted by package name. A nested copy
 * (`node_modules/a/node_modules/b`) is a package of its own: it may be another version.
 */
export function bundledPackageDirs(stats) {
  const dirs = new Set()
  const visit = modules => {
    for (const module of modules ?? []) {
      // `name` is the module's path as webpack shows it: `./node_modules/x/lib/y.js`, or
      // `./node_modules/x/lib/y.js + 3 modules` for concatenated ones (their parts are in `modules`).
      const match = /^\.\/((?:node_modules\/(?:@[^/]+\/)?[^/ ]+\/)+)/.exec(module.name ?? '')
      if (match) dirs.add(match[1].replace(/\/$/, ''))
      visit(module.modules)
    }
  }
  visit(stats.modules)
  for (const chunk of stats.chunks ?? []) visit(chunk.modules)
  return [...dirs].sort((a, b) => packageNameOf(a).localeCompare(packageNameOf(b)) || a.localeCompare(b))
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function packageNameOf(dir) {
  return dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length)
}

/**
 * One entry, in the layout ncc's license plugin wrote: the name, the license as package.json
 * declares it, then the package's license file. A package without a license file is an error:
 * shipping its code without its terms is what this file exists to prevent.
 */
export function licenseEntry(projectDir, packageDir) {
  const dir = join(projectDir, packageDir)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const file = readdirSync(dir)
    .filter(name => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name))
    .sort()[0]
  if (file === undefined) throw new Error(`${packageDir} has no LICENSE file: its license text cannot be shipped`)
  const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN')
  return `${manifest.name}\n${license}\n${readFileSync(join(dir, file), 'utf8').trim()}\n`
}

function main(args) {
  const outFile = args.at(-1)
  const statsPaths = args.slice(0, -1)
  if (statsPaths.length === 0) throw new Error('usage: node scripts/write-licenses.mjs STATS_JSON... OUT_FILE')
  const projectDir = join(fileURLToPath(import.meta.url), '..', '..')
  // One file for every bundle (the main action's and merge/'s): the packages either holds.
  const modules = statsPaths.flatMap(statsPath => {
    const stats = JSON.parse(readFileSync(statsPath, 'utf8'))
    rmSync(statsPath)
    return [...(stats.modules ?? []), ...(stats.chunks ?? []).flatMap(chunk => chunk.modules ?? [])]
  })
  const entries = bundledPackageDirs({ modules }).map(dir => licenseEntry(projectDir, dir))
  writeFileSync(outFile, entries.join('\n'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
