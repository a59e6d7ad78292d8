import { InputError } from '../../src/inputs/input-error.js'
import { parseDiskSpace, parseKeepDuration, readGcInputs } from '../../src/inputs/gc-inputs.js'

function inputsOf(values: Record<string, string>): (name: string) => string {
  return name => values[name] ?? ''
}

function errorOf(work: () => unknown): InputError {
  try {
    work()
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('no InputError')
}

describe('sizes, as BuildKit reads DiskSpace (docker/go-units RAMInBytes: binary multiples)', () => {
  it.each([
    ['512MB', 512 * 2 ** 20],
    ['10GB', 10 * 2 ** 30],
    ['10g', 10 * 2 ** 30],
    ['1.5GiB', 1.5 * 2 ** 30],
    ['4 mb', 4 * 2 ** 20],
    ['2048', 2048],
    ['2048b', 2048]
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseDiskSpace('gc-max-used-space', text)).toEqual({ text, bytes })
  })

  it('a share of the disk: 20%', () => {
    expect(parseDiskSpace('gc-min-free-space', '20%')).toEqual({ text: '20%', percent: 20 })
  })

  it('empty is unset', () => {
    expect(parseDiskSpace('gc-max-used-space', ' ')).toBeUndefined()
  })

  it.each(['10GBs', '10 GB B', '5 gigabytes', '10XB', '0', '0MB', '150%', '2.5%', '-1GB', 'GB'])(
    '%s is an InputError naming the input and the units BuildKit takes',
    text => {
      const error = errorOf(() => parseDiskSpace('gc-reserved-space', text))
      expect(error.input).toBe('gc-reserved-space')
      expect(error.message).toContain(`'${text}' is not a size BuildKit takes`)
      expect(error.fix).toContain('`512MB`, `10GB`')
      expect(error.fix).toContain('`20%`')
    }
  )
})

describe('gc-keep-duration, as BuildKit reads Duration (a Go duration, or whole seconds)', () => {
  it.each(['48h', '1h30m', '90m', '3600', '1.5h'])('%s is taken as written', text => {
    expect(parseKeepDuration(text)).toBe(text)
  })

  it('days, which Go durations lack: the fix says the hours', () => {
    const error = errorOf(() => parseKeepDuration('7d'))
    expect(error.input).toBe('gc-keep-duration')
    expect(error.fix).toContain('`168h`')
  })

  it.each(['2 weeks', '48H', '-1h', '0s', 'h'])('%s is an InputError', text => {
    expect(errorOf(() => parseKeepDuration(text)).input).toBe('gc-keep-duration')
  })
})

describe('readGcInputs', () => {
  it('none set: undefined', () => {
    expect(readGcInputs(inputsOf({}), 'docker-container')).toBeUndefined()
  })

  it('reads each input into its policy field', () => {
    expect(
      readGcInputs(
        inputsOf({ 'gc-max-used-space': '10GB', 'gc-min-free-space': '20%', 'gc-keep-duration': '48h' }),
        'docker-container'
      )
    ).toEqual({
      maxUsedSpace: { text: '10GB', bytes: 10 * 2 ** 30 },
      minFreeSpace: { text: '20%', percent: 20 },
      keepDuration: '48h'
    })
  })

  it.each(['docker', 'remote'])('refused with driver %s, whose builder reads no buildkitd.toml of ours', driver => {
    const error = errorOf(() => readGcInputs(inputsOf({ 'gc-keep-duration': '48h' }), driver))
    expect(error.input).toBe('gc-keep-duration')
    expect(error.problem).toContain(`driver: ${driver}`)
  })
})
