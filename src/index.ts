import { runMain } from './main.js'
import { runPost } from './post.js'
import { isPostStep } from './state.js'

// One bundle serves both `main` and `post` in action.yml; the state main saved tells them apart.
void (isPostStep() ? runPost() : runMain())
