import { isPostStep } from './steps/state.js'

// One bundle serves both `main` and `post` in action.yml; the state main saved tells them apart.
// Each step loads only its own code (ncc makes each dynamic import a chunk of dist/).
void (isPostStep()
  ? import('./steps/post.js').then(post => post.runPost())
  : import('./steps/main.js').then(main => main.runMain()))
