import { runMain } from './steps/main.js'

// action.yml's `main`. The post step has an entry of its own (post-index.ts), not a branch on
// saved state: a job cancelled before main saved anything must not run main again as its post.
void runMain()
