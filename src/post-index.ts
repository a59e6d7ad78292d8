import { run } from './post.js'

// action.yml's `post`: dist/post/index.js, the bundle of this file (a build of its own beside
// main's, dist/index.js). The steps are told apart by their entries, never by saved state: a main
// step cancelled before it saved anything is never run again as its own post step.
void run()
