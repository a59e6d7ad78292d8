import { run } from './main.js'

// action.yml's `main` runs dist/index.js; its `post` runs dist/post/index.js, which `npm run bundle`
// writes (scripts/write-post-entry.mjs) to mark the step and import this file. The steps are not
// told apart by saved state: a main step cancelled before it saved anything would run again as
// its own post step. Post's code is a chunk of its own; main's is here, where ncc keeps the
// modules both share once (each step a dynamic import would repeat them in both chunks).
const step = (globalThis as { setupBuildkitRegistryStep?: string }).setupBuildkitRegistryStep
void (step === 'post' ? import('./post.js').then(post => post.run()) : run())
