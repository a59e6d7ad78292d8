import { readFileSync } from 'node:fs'
import { load } from 'js-yaml'
import { newJob, runStepNode, STEP_NODE } from '../../scripts/github-runner.mjs'

// GitHub's runners start the action's main and post with the Node that action.yml's `runs.using`
// names, whatever node the machine or jest runs on: the runner emulator must too, or every real
// test tests the bundle on another runtime than the users'.

it("the action's steps run on the Node that action.yml's runs.using names", async () => {
  const action = load(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as { runs: { using: string } }
  const { exitCode, log } = await runStepNode(newJob(), ['-p', 'process.version'])
  expect(exitCode).toBe(0)
  const version = log.trim()
  // Once in the test output: which node the real tests ran the action on.
  console.log(`the action's steps run on Node ${version} (${STEP_NODE}); action.yml: runs.using: ${action.runs.using}`)
  expect(`node${/^v(\d+)\./.exec(version)?.[1]}`).toBe(action.runs.using)
})
