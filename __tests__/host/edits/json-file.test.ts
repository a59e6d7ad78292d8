import { parseJsonObject, stringifyLike } from '../../../src/host/edits/json-file.js'

describe('JSON files of other tools', () => {
  it.each([
    ['4 spaces, no final newline', '{\n    "a": 1\n}', '{\n    "a": 1,\n    "b": [\n        "x"\n    ]\n}'],
    ['tabs, final newline', '{\n\t"a": 1\n}\n', '{\n\t"a": 1,\n\t"b": [\n\t\t"x"\n\t]\n}\n'],
    ['one line', '{"a":1}', '{"a":1,"b":["x"]}']
  ])('are rewritten in their own layout: %s', (_layout, existing, expected) => {
    expect(stringifyLike(existing, { ...parseJsonObject('f', existing), b: ['x'] }, '  ')).toBe(expected)
  })

  it('are created with the fallback indentation and a final newline', () => {
    expect(stringifyLike(undefined, { a: 1 }, '  ')).toBe('{\n  "a": 1\n}\n')
  })

  it('are left alone when they do not parse; an empty file is an empty object', () => {
    expect(() => parseJsonObject('/etc/docker/daemon.json', '{ nope')).toThrow(
      '/etc/docker/daemon.json is not valid JSON'
    )
    expect(parseJsonObject('f', ' \n')).toEqual({})
  })
})
