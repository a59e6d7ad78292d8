import { stepOutputsReadable } from '../../src/steps/outputs.js'

describe('stepOutputsReadable: whether a later step can read the outputs (steps.<id>.outputs)', () => {
  it.each([
    ['buildx', true, 'a step with `id: buildx`'],
    ['setup_buildkit-1', true, 'an id with _ and -'],
    ['_private', true, 'an id may start with one underscore'],
    ['outer.buildx', true, 'a step with an id inside a composite action'],
    ['__org_setup-buildkit-registry', false, 'a step without an id: the name the runner makes up'],
    ['__org_setup-buildkit-registry_2', false, 'the second such step of the job'],
    ['__self', false, '`uses: ./` without an id'],
    ['outer.__org_setup-buildkit-registry', false, 'a step without an id inside a composite action'],
    ['__composite_action.buildx', true, 'a step with an id inside a composite step without one']
  ])('GITHUB_ACTION=%s: %s (%s)', (name, readable) => {
    expect(stepOutputsReadable({ GITHUB_ACTION: name })).toBe(readable)
  })

  it('is true off a runner (no GITHUB_ACTION): nothing is skipped then', () => {
    expect(stepOutputsReadable({})).toBe(true)
  })
})
