import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCommandFile } from '../../scripts/github-runner.mjs'
import type { Plan } from '../../src/plan/plan.js'
import { UndoLog } from '../../src/steps/state.js'
import { writeJobFiles } from '../../src/steps/job-files.js'

// The job directory made in a real RUNNER_TEMP, with the undo record saved through a real GITHUB_STATE.

const saved = process.env.GITHUB_STATE
let stateFile: string
beforeEach(() => {
  stateFile = join(mkdtempSync(join(tmpdir(), 'sbr-job-files-state-')), 'github_state')
  writeFileSync(stateFile, '')
  process.env.GITHUB_STATE = stateFile
})
afterAll(() => {
  if (saved === undefined) delete process.env.GITHUB_STATE
  else process.env.GITHUB_STATE = saved
})

/** The undo record post would get. */
const recorded = (): unknown => JSON.parse(readCommandFile(stateFile).undo)

/** The two parts of a plan writeJobFiles reads. */
function plan(): Pick<Plan, 'dir' | 'files'> {
  const dir = join(mkdtempSync(join(tmpdir(), 'sbr-runner-temp-')), 'setup-buildkit-registry-0123456789ab')
  return {
    dir,
    files: [
      { path: join(dir, 'buildkitd.toml'), content: 'debug = true\n', mode: 0o644 },
      { path: join(dir, 'certs', 'reg', 'client.key'), content: 'KEY', mode: 0o600 }
    ]
  }
}

describe('writeJobFiles', () => {
  it('records the directory for post before it exists, then writes the files, then lets the builder use them', async () => {
    const { dir, files } = plan()
    const seen: { recorded: unknown; toml: string }[] = []
    await writeJobFiles({ dir, files }, new UndoLog(), async () => {
      seen.push({ recorded: recorded(), toml: readFileSync(join(dir, 'buildkitd.toml'), 'utf8') })
    })
    expect(seen).toEqual([{ recorded: { jobDir: dir }, toml: 'debug = true\n' }])
    expect(statSync(join(dir, 'certs', 'reg', 'client.key')).mode & 0o777).toBe(0o600)
    expect(recorded()).toEqual({ jobDir: dir })
  })

  it('a directory of that name there already: left as it is, off the record, and the step fails with EEXIST', async () => {
    const { dir, files } = plan()
    mkdirSync(dir)
    writeFileSync(join(dir, 'theirs.txt'), 'not the job’s')
    let used = false
    await expect(
      writeJobFiles({ dir, files }, new UndoLog(), async () => {
        used = true
      })
    ).rejects.toMatchObject({ code: 'EEXIST' })
    expect(used).toBe(false)
    expect(readFileSync(join(dir, 'theirs.txt'), 'utf8')).toBe('not the job’s')
    expect(recorded()).toEqual({})
  })

  it('when the builder fails, removes the directory at once and takes it off the record, failing with its error', async () => {
    const { dir, files } = plan()
    const failure = new Error('buildx create failed')
    await expect(
      writeJobFiles({ dir, files }, new UndoLog(), async () => {
        throw failure
      })
    ).rejects.toBe(failure)
    expect(existsSync(dir)).toBe(false)
    expect(recorded()).toEqual({})
  })

  it('when a file cannot be written, leaves nothing half-made', async () => {
    const { dir } = plan()
    const files = [
      { path: join(dir, 'buildkitd.toml'), content: 'a', mode: 0o644 },
      { path: join(dir, 'buildkitd.toml'), content: 'b', mode: 0o644 }
    ]
    await expect(writeJobFiles({ dir, files }, new UndoLog(), async () => undefined)).rejects.toMatchObject({
      code: 'EEXIST'
    })
    expect(existsSync(dir)).toBe(false)
    expect(recorded()).toEqual({})
  })
})
