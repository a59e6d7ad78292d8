import { runMain } from './steps/main.js'
import { runPost } from './steps/post.js'
import { isPostStep } from './steps/state.js'

// One bundle serves both `main` and `post` in action.yml; the state main saved tells them apart.
void (isPostStep() ? runPost() : runMain())
