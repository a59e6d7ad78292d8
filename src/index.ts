import { run } from './main.js'

// action.yml's `main`: dist/index.js, the bundle of this file. Its `post` is dist/post/index.js,
// the bundle of src/post-index.ts: a build of its own, so that post loads only what it runs.
void run()
