import { InputError } from '../../src/inputs/input-error.js'

describe('InputError', () => {
  it('says which input, which line, what is wrong and what to write instead, in one message', () => {
    const error = new InputError('registries', "'reg:0' has no port", 'use a port from 1 to 65535', 4)
    expect(error.message).toBe("Input 'registries', line 4: 'reg:0' has no port. Fix: use a port from 1 to 65535")
    expect({ input: error.input, line: error.line, problem: error.problem, fix: error.fix }).toEqual({
      input: 'registries',
      line: 4,
      problem: "'reg:0' has no port",
      fix: 'use a port from 1 to 65535'
    })
  })

  it('names no line for an input that is not a list', () => {
    const error = new InputError('driver', "'dockr' is not a driver", 'write docker-container')
    expect(error.message).toBe("Input 'driver': 'dockr' is not a driver. Fix: write docker-container")
    expect(error.line).toBeUndefined()
  })

  it('is an Error named InputError, so main can tell it from a fault of the machine', () => {
    const error: unknown = new InputError('driver', 'x', 'y')
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).name).toBe('InputError')
    expect(String(error)).toMatch(/^InputError: Input 'driver'/)
  })
})
