import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  claimJobRecord,
  isJobRecordPath,
  jobRecordPath,
  listJobRecords,
  readJobRecord,
  removeJobRecord,
  writeJobRecordSync,
  type JobRecord
} from '../../src/host/job-record.js'

// Job records in a real buildx store directory (BUILDX_CONFIG): written whole and private, found,
// claimed by one job only, removed with what a killed writer left.

const A = 'setup-buildkit-registry-aaaaaaaaaaaa'
const B = 'setup-buildkit-registry-bbbbbbbbbbbb'
const C = 'setup-buildkit-registry-cccccccccccc'
const record: JobRecord = {
  owner: { host: 'runner-1', pid: 42, started: '100', boot: '6f1c1c9e-8a53-4a59-9a39-0c3f0c7e1d2a' },
  job: 'run 1, job build',
  undo: { tempContext: A }
}

function newStore(): NodeJS.ProcessEnv {
  return { BUILDX_CONFIG: mkdtempSync(join(tmpdir(), 'sbr-records-')) }
}

describe('writeJobRecordSync and readJobRecord', () => {
  it('writes the record whole, readable by this user only, each write replacing the last', async () => {
    const env = newStore()
    const path = jobRecordPath(A, env)
    expect(path).toBe(join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs', `${A}.json`))
    writeJobRecordSync(path, record)
    writeJobRecordSync(path, { ...record, undo: { tempContext: A, jobDir: '/t/x' } })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(await readJobRecord(path)).toEqual({ ...record, undo: { tempContext: A, jobDir: '/t/x' } })
    // No staged copy stays beside it.
    expect(readdirSync(join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs'))).toEqual([`${A}.json`])
  })

  it('reads nothing from a file that is not a record: no owner, an owner of the wrong shape, no JSON', async () => {
    const env = newStore()
    const path = jobRecordPath(A, env)
    mkdirSync(join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs'))
    for (const text of ['{', '{"undo":{}}', JSON.stringify({ ...record, owner: { ...record.owner, pid: -1 } })]) {
      writeFileSync(path, text)
      expect(await readJobRecord(path)).toBeUndefined()
    }
    expect(await readJobRecord(jobRecordPath(B, env))).toBeUndefined()
  })
})

describe('listJobRecords and claimJobRecord', () => {
  it('finds records and claims by their names only; one claim of a record wins, and a claim can be taken over', async () => {
    const env = newStore()
    writeJobRecordSync(jobRecordPath(A, env), record)
    writeJobRecordSync(jobRecordPath(B, env), record)
    const dir = join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs')
    writeFileSync(join(dir, 'notes.json'), '{}')
    writeFileSync(join(dir, `.${A}.json.0123456789abcdef.sbr-tmp`), '{')
    const found = (await listJobRecords(env)).sort((x, y) => x.id.localeCompare(y.id))
    expect(found).toEqual([
      { path: join(dir, `${A}.json`), id: A },
      { path: join(dir, `${B}.json`), id: B }
    ])

    const [first, second] = await Promise.all([claimJobRecord(found[0], B), claimJobRecord(found[0], C)])
    expect([first, second].filter(path => path !== undefined)).toHaveLength(1)
    const claimed = (await listJobRecords(env)).find(entry => entry.id === A)
    expect(claimed?.claimedBy).toMatch(/^setup-buildkit-registry-(bbbbbbbbbbbb|cccccccccccc)$/)
    expect(await readJobRecord(claimed?.path ?? '')).toEqual(record)
    // Its claimer gone: the next job takes the claim over the same way.
    const again = await claimJobRecord(claimed!, C)
    expect(again).toBe(join(dir, `${A}.claimed-by-${C}.json`))
    expect(await claimJobRecord(claimed!, B)).toBeUndefined()
    await expect(claimJobRecord(claimed!, '../x')).rejects.toThrow("'../x' is not a job id")
  })

  it('no store yet: nothing found', async () => {
    expect(await listJobRecords(newStore())).toEqual([])
  })
})

describe('removeJobRecord and isJobRecordPath', () => {
  it('removes the record and the staged copies a job killed mid-write left, and no other file', async () => {
    const env = newStore()
    const path = jobRecordPath(A, env)
    writeJobRecordSync(path, record)
    writeJobRecordSync(jobRecordPath(B, env), record)
    const dir = join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs')
    writeFileSync(join(dir, `.${A}.json.0123456789abcdef.sbr-tmp`), '{')
    await removeJobRecord(path)
    await removeJobRecord(path)
    expect(readdirSync(dir)).toEqual([`${B}.json`])
    expect(JSON.parse(readFileSync(jobRecordPath(B, env), 'utf8'))).toEqual(record)
  })

  it("takes the records' directory with the last record out, and a later job makes it again", async () => {
    const env = newStore()
    const dir = join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs')
    writeJobRecordSync(jobRecordPath(A, env), record)
    writeJobRecordSync(jobRecordPath(B, env), record)
    await removeJobRecord(jobRecordPath(A, env))
    expect(readdirSync(dir)).toEqual([`${B}.json`])
    await removeJobRecord(jobRecordPath(B, env))
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(env.BUILDX_CONFIG ?? '')).toEqual([])
    writeJobRecordSync(jobRecordPath(C, env), record)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(readdirSync(dir)).toEqual([`${C}.json`])
  })

  it("takes only the store's record paths (post proves a saved path with it)", () => {
    const env = newStore()
    expect(isJobRecordPath(jobRecordPath(A, env), env)).toBe(true)
    expect(isJobRecordPath(join(env.BUILDX_CONFIG ?? '', 'setup-buildkit-registry-jobs', 'x.json'), env)).toBe(false)
    expect(isJobRecordPath(`/tmp/${A}.json`, env)).toBe(false)
    expect(isJobRecordPath(jobRecordPath(A, env).replace('jobs/', 'jobs/../'), env)).toBe(false)
  })
})
