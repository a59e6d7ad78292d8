/**
 * The main step (actions/typescript-action's convention: the entry's logic exports `run()`).
 * src/index.ts calls it in the bundle; GitHub's local-action debugger imports this file and calls
 * it with its own @actions/core: `npx @github/local-action run . src/main.ts .env --post src/post.ts`.
 */
export { runMain as run } from './steps/main.js'
