// Part of `npm run bundle`: writes dist/post/index.js, action.yml's `post` entry. It marks the step
// and runs the one bundle (dist/index.js), whose post chunk it then loads: a second ncc build for
// post would duplicate the chunks both steps share.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'post', 'index.js')
mkdirSync(dirname(entry), { recursive: true })
writeFileSync(
  entry,
  [
    "// Written by `npm run bundle` (scripts/write-post-entry.mjs): action.yml's `post` entry.",
    "globalThis.setupBuildkitRegistryStep = 'post'",
    "await import('../index.js')",
    ''
  ].join('\n')
)
