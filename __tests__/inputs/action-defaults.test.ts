import { jest } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { readInputs } from '../../src/inputs/read-inputs.js'
import { planOf } from '../helpers/plan.js'
import { withInputs } from '../helpers/inputs.js'

// action.yml's `default:`s are what a runner passes when `with:` leaves an input
// out; the code's own fallbacks are what a run outside a runner (or an older
// runner) gets. The two must not drift apart.

/** Each input's `default:` in action.yml (inputs are 2-space keys, their fields 4-space). */
function actionYmlDefaults(): Record<string, string> {
  const yml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
  const inputsBlock = /^inputs:\n([\s\S]*?)^\S/m.exec(yml)?.[1] ?? ''
  const defaults: Record<string, string> = {}
  let input = ''
  for (const line of inputsBlock.split('\n')) {
    const name = /^ {2}([a-z-]+):\s*$/.exec(line)
    if (name) input = name[1]
    const fallback = /^ {4}default:\s*'(.*)'\s*$/.exec(line)
    if (fallback) defaults[input] = fallback[1]
  }
  return defaults
}

beforeEach(() => jest.spyOn(process.stdout, 'write').mockImplementation(() => true))
afterEach(() => jest.restoreAllMocks())

describe("action.yml's defaults", () => {
  it('are found (the parse above reads the file)', () => {
    expect(Object.keys(actionYmlDefaults())).toEqual(
      expect.arrayContaining([
        'debug',
        'driver',
        'buildkitd-flags',
        'use',
        'bootstrap',
        'preflight',
        'preflight-timeout',
        'trust-docker-daemon',
        'install-config'
      ])
    )
  })

  it('given as inputs, read and plan the same as no input at all', () => {
    // `name` has no default: the generated one is random, so both runs name the builder.
    withInputs({ name: 'builder-1' })
    const none = readInputs()
    withInputs({ ...actionYmlDefaults(), name: 'builder-1' })
    const defaults = readInputs()
    expect(defaults).toEqual(none)
    expect(planOf(defaults, '/tmp/job')).toEqual(planOf(none, '/tmp/job'))
  })
})
