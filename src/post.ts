import { runPost } from './steps/post.js'

/**
 * The post step, the counterpart of src/main.ts's `run()`: what the bundle's post entry runs
 * (through src/index.ts) and what local-action's `--post src/post.ts` calls after main.
 */
export async function run(): Promise<void> {
  await runPost()
}
