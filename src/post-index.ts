import { runPost } from './steps/post.js'

// action.yml's `post`: undoes what main recorded (see steps/state.ts), whatever moment main ended at.
void runPost()
