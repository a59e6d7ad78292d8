import { jest } from '@jest/globals'
import { readAppendNodes } from '../../src/inputs/append.js'
import type { InputError } from '../../src/inputs/input-error.js'

// docker/setup-buildx-action's own `append` case and the refusals are in
// plan/setup-buildx-compat.test.ts; these are the readings the module adds.

let stdout = ''
beforeEach(() => {
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
})
afterEach(() => jest.restoreAllMocks())

const refusal = (yaml: string): Promise<InputError> =>
  readAppendNodes(yaml).then(
    () => {
      throw new Error('accepted')
    },
    (error: unknown) => error as InputError
  )

describe('readAppendNodes', () => {
  it('has no nodes for an empty, blank or null input', async () => {
    for (const yaml of ['', '  \n', '~', 'null', '# only a comment']) expect(await readAppendNodes(yaml)).toEqual([])
  })

  it('reads every key, a platform list joined as --platform takes it, and scalars as text', async () => {
    expect(
      await readAppendNodes(
        [
          '- name: 2',
          '  endpoint: ssh://me@arm',
          '  driver-opts: [image=moby/buildkit:v0.19.0, network=host]',
          '  buildkitd-flags: --debug',
          '  platforms: [linux/arm64, linux/arm/v7]',
          '- endpoint: other-context',
          '  platforms: linux/amd64,linux/386',
          '  driver-opts: ~'
        ].join('\n')
      )
    ).toEqual([
      {
        name: '2',
        endpoint: 'ssh://me@arm',
        driverOpts: ['image=moby/buildkit:v0.19.0', 'network=host'],
        buildkitdFlags: '--debug',
        platforms: 'linux/arm64,linux/arm/v7'
      },
      {
        name: undefined,
        endpoint: 'other-context',
        driverOpts: [],
        buildkitdFlags: undefined,
        platforms: 'linux/amd64,linux/386'
      }
    ])
  })

  it('warns of a key it ignores, which is likely a typo that would drop settings', async () => {
    expect(await readAppendNodes('- name: a\n- name: b\n  driver_opts: [x=1]\n  bootstrap: true')).toHaveLength(2)
    expect(stdout).toContain(
      "::warning::Input 'append', node 2: ignoring driver_opts, bootstrap (known keys: name, endpoint, driver-opts, buildkitd-flags, platforms)"
    )
    expect(stdout).not.toContain('node 1')
  })

  it("names the line of a YAML error, in js-yaml's words", async () => {
    const error = await refusal('- name: a\n  endpoint: ok\n   bad: indent\n- name: b')
    expect({ input: error.input, line: error.line, problem: error.problem }).toEqual({
      input: 'append',
      line: 3,
      problem: 'invalid YAML: bad indentation of a mapping entry'
    })
    expect((await refusal('- name: a\n- name: b\n  name: c')).line).toBe(3)
  })

  it('refuses a mapping or a list where text belongs, naming the node and the key', async () => {
    expect((await refusal('- name: a\n- endpoint: {host: x}')).problem).toBe('node 2: `endpoint` is not a string')
    expect((await refusal('- platforms: [linux/amd64, 1]')).problem).toBe(
      'node 1: `platforms` is not a list of strings'
    )
  })
})
