// Written by `npm run bundle` (scripts/write-post-entry.mjs): action.yml's `post` entry.
globalThis.setupBuildkitRegistryStep = 'post'
await import('../index.js')
