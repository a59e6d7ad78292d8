/**
 * The post step, the counterpart of src/main.ts's `run()`: what the bundle's post entry runs
 * (through src/index.ts) and what local-action's `--post src/post.ts` calls after main.
 */
export { runPost as run } from './steps/post.js'
