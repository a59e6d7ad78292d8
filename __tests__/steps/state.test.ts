import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCommandFile } from '../../scripts/github-runner.mjs'
import { captureStdout } from '../helpers/stdout.js'
import { savedUndoRecord, UndoLog, type UndoRecord } from '../../src/steps/state.js'

// Main's undo record through a real GITHUB_STATE file, read back as the runner reads it, and handed
// to post as STATE_undo, the variable @actions/core's getState reads.

describe('UndoLog → GITHUB_STATE → savedUndoRecord', () => {
  let output = ''
  captureStdout(written => (output = written))
  const saved = { GITHUB_STATE: process.env.GITHUB_STATE, STATE_undo: process.env.STATE_undo }
  let stateFile: string
  beforeEach(() => {
    stateFile = join(mkdtempSync(join(tmpdir(), 'sbr-state-')), 'github_state')
    writeFileSync(stateFile, '')
    process.env.GITHUB_STATE = stateFile
    delete process.env.STATE_undo
  })
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  /** What the runner hands the post step: the last value saved under each name. */
  function post(): UndoRecord {
    process.env.STATE_undo = readCommandFile(stateFile).undo
    return savedUndoRecord()
  }

  it('saves the whole record at each change, so a main step killed at any point leaves what it made so far', () => {
    const undo = new UndoLog()
    undo.add({ jobDir: '/runner/temp/setup-buildkit-registry-1' })
    expect(post()).toEqual({ jobDir: '/runner/temp/setup-buildkit-registry-1' })
    undo.add({ builder: { name: 'builder-1', driver: 'docker-container', removeInPost: true, createPid: 4242 } })
    undo.add({ buildxAlias: true })
    expect(post()).toEqual({
      jobDir: '/runner/temp/setup-buildkit-registry-1',
      builder: { name: 'builder-1', driver: 'docker-container', removeInPost: true, createPid: 4242 },
      buildxAlias: true
    })
  })

  it('a later change replaces an earlier one of the same kind; one taken back is gone', () => {
    const undo = new UndoLog()
    undo.add({ jobDir: '/runner/temp/job', builder: { name: 'builder-1', removeInPost: true } })
    // The name turned out to be another job's: post must not remove that builder.
    undo.add({ builder: { name: 'builder-1', removeInPost: false } })
    undo.add({ jobDir: undefined })
    expect(post()).toEqual({ builder: { name: 'builder-1', removeInPost: false } })
  })

  it('gives post each kind of change as main saved it, text with newlines included', () => {
    const undo = new UndoLog()
    const record: UndoRecord = {
      installedConfig: { path: '/etc/buildkit/buildkitd.toml', written: 'abc', before: undefined },
      clientTrust: { sslCertFileBefore: '/etc/ssl/certs/ca-certificates.crt', noClientTokenBefore: '' },
      lease: {
        path: '/root/.docker/buildx/setup-buildkit-registry-leases/b.json',
        holder: { builder: 'b', host: 'runner\nundo<<EOF', pid: 1, started: '99', job: 'o/r, run 1, job test' }
      }
    }
    undo.add(record)
    expect(readFileSync(stateFile, 'utf8')).toMatch(/^undo<<ghadelimiter_/)
    expect(post()).toEqual({
      installedConfig: { path: '/etc/buildkit/buildkitd.toml', written: 'abc' },
      clientTrust: record.clientTrust,
      lease: record.lease
    })
  })

  it('keepOnRunner: the record is also kept in its file from then on, with the owner, at each change', async () => {
    const store = mkdtempSync(join(tmpdir(), 'sbr-store-'))
    const path = join(store, 'setup-buildkit-registry-jobs', 'setup-buildkit-registry-0123456789ab.json')
    const owner = { host: 'runner-1', pid: 42, started: '100' }
    const undo = new UndoLog()
    expect(undo.keepOnRunner({ path, owner, job: 'run 1, job build' })).toBe(true)
    // In GITHUB_STATE too, so that post removes the file whenever main stops.
    expect(post()).toEqual({ jobRecord: path })
    undo.add({ tempContext: 'setup-buildkit-registry-0123456789ab' })
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      owner,
      job: 'run 1, job build',
      undo: { jobRecord: path, tempContext: 'setup-buildkit-registry-0123456789ab' }
    })
    expect(statSync(path).mode & 0o777).toBe(0o600)
  })

  it('keepOnRunner on a runner with no Docker client config directory: the directories it makes are recorded first', () => {
    const home = mkdtempSync(join(tmpdir(), 'sbr-home-'))
    const config = join(home, '.docker')
    const path = join(config, 'buildx', 'setup-buildkit-registry-jobs', 'setup-buildkit-registry-0123456789ab.json')
    const undo = new UndoLog()
    expect(undo.keepOnRunner({ path, owner: { host: 'h', pid: 1, started: '1' }, job: '' })).toBe(true)
    // The records' own directory is not among them: removing the last record takes it.
    expect(post()).toEqual({ jobRecord: path, jobRecordDirs: [config, join(config, 'buildx')] })
    expect(readdirSync(config)).toEqual(['buildx'])
  })

  it('keepOnRunner where the file cannot be written: a warning, GITHUB_STATE alone from then on, and false', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'sbr-store-')), 'not-a-dir')
    writeFileSync(blocker, '')
    const undo = new UndoLog()
    const keeper = { path: join(blocker, 'x.json'), owner: { host: 'h', pid: 1, started: '1' }, job: '' }
    expect(undo.keepOnRunner(keeper)).toBe(false)
    undo.add({ buildxAlias: true })
    expect(output.match(/^::warning::Could not keep the job's undo record/gm)).toHaveLength(1)
    expect(post()).toEqual({ jobRecord: join(blocker, 'x.json'), buildxAlias: true })
  })

  it('is empty in a post step whose main recorded nothing', () => {
    expect(savedUndoRecord()).toEqual({})
  })
})
