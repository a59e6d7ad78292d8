import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '../../src/host/edits/file-undo.js'
import { pluginBackupPath } from '../../src/host/edits/installed-plugin.js'
import { provenUndo } from '../../src/steps/undo-proof.js'

// Real directories, as root (the tests run as root, so a directory made here is this user's).

const JOB_ID = 'setup-buildkit-registry-0123456789ab'

function runnerTemp(): string {
  return mkdtempSync(join(tmpdir(), 'sbr-proof-'))
}

describe('provenUndo', () => {
  // The runner gives post the step's inputs too: the installed config must be the file `install-config` names.
  beforeEach(() => (process.env['INPUT_INSTALL-CONFIG'] = '/etc/buildkit/buildkitd.toml'))
  afterEach(() => delete process.env['INPUT_INSTALL-CONFIG'])

  it('keeps what main made: the job directory in RUNNER_TEMP, a builder, a backup in the job directory', async () => {
    const temp = runnerTemp()
    const jobDir = join(temp, JOB_ID)
    mkdirSync(jobDir, { mode: 0o700 })
    const backup = join(jobDir, 'installed-config.backup')
    writeFileSync(backup, 'old')
    const record = {
      jobDir,
      builder: { name: 'builder-1', removeInPost: true },
      tempContext: JOB_ID,
      installedConfig: {
        path: '/etc/buildkit/buildkitd.toml',
        before: { backup, sha256: sha256('old'), mode: 0o644, uid: 0, gid: 0 },
        written: sha256('new')
      }
    }
    expect(await provenUndo(record, { RUNNER_TEMP: temp })).toEqual({ record, refused: [] })
  })

  it("keeps the job's record only where job records are kept in buildx's store", async () => {
    const store = mkdtempSync(join(tmpdir(), 'sbr-store-'))
    const env = { RUNNER_TEMP: runnerTemp(), BUILDX_CONFIG: store }
    const kept = join(store, 'setup-buildkit-registry-jobs', `${JOB_ID}.json`)
    expect(await provenUndo({ jobRecord: kept }, env)).toEqual({ record: { jobRecord: kept }, refused: [] })
    const forged = await provenUndo({ jobRecord: '/etc/passwd' }, env, {
      step: 'Reclaim',
      record: "a job's kept record"
    })
    expect(forged.record).toEqual({})
    expect(forged.refused).toEqual([
      "Reclaim did not undo the job's kept undo record of a job's kept record: /etc/passwd is not where job records are kept. It cannot be proven this action's own, so nothing of it was removed."
    ])
  })

  it('drops a job directory that is a link, or named otherwise, and a backup whose bytes changed', async () => {
    const temp = runnerTemp()
    const elsewhere = mkdtempSync(join(tmpdir(), 'sbr-elsewhere-'))
    symlinkSync(elsewhere, join(temp, JOB_ID))
    const backup = join(elsewhere, 'installed-config.backup')
    writeFileSync(backup, 'swapped')
    const linked = await provenUndo({ jobDir: join(temp, JOB_ID) }, { RUNNER_TEMP: temp })
    expect(linked.record).toEqual({})
    expect(linked.refused).toEqual([
      "Post did not undo the job directory of the saved state: it is not a directory (a link, or a file). It cannot be proven this action's own, so nothing of it was removed."
    ])
    const other = await provenUndo(
      {
        jobDir: join(temp, 'work'),
        installedConfig: {
          path: '/etc/buildkit/buildkitd.toml',
          before: { backup, sha256: sha256('old'), mode: 0o644, uid: 0, gid: 0 },
          written: sha256('new')
        }
      },
      { RUNNER_TEMP: temp }
    )
    expect(other.record).toEqual({})
    expect(other.refused[1]).toContain(`its backup ${backup} is not in the job directory`)
  })

  it('drops an installed config that is not the file `install-config` names', async () => {
    const installedConfig = { path: '/home/runner/.ssh/authorized_keys', written: sha256('known') }
    const { record, refused } = await provenUndo({ installedConfig }, { RUNNER_TEMP: runnerTemp() })
    expect(record).toEqual({})
    expect(refused[0]).toContain('/home/runner/.ssh/authorized_keys is not the file `install-config` names')
  })

  it('keeps the buildx plugin `buildx-version` installs, its copy beside it and the directories above it, and nothing else', async () => {
    const config = mkdtempSync(join(tmpdir(), 'sbr-docker-config-'))
    const env = { RUNNER_TEMP: runnerTemp(), DOCKER_CONFIG: config }
    const plugin = join(config, 'cli-plugins', 'docker-buildx')
    mkdirSync(join(config, 'cli-plugins'))
    const backup = pluginBackupPath(plugin, JOB_ID)
    writeFileSync(backup, 'old')
    const before = { backup, sha256: sha256('old'), mode: 0o755, uid: 0, gid: 0 }
    const installedBuildx = { path: plugin, before, written: sha256('new'), madeDirs: [join(config, 'cli-plugins')] }
    expect(await provenUndo({ installedBuildx }, env)).toEqual({ record: { installedBuildx }, refused: [] })

    const forged = [
      { ...installedBuildx, path: join(config, 'config.json') },
      { ...installedBuildx, madeDirs: ['/home'] },
      { ...installedBuildx, before: { ...before, backup: join(config, 'cli-plugins', 'docker-compose') } },
      { ...installedBuildx, before: { ...before, sha256: sha256('something else') } }
    ]
    const reasons = await Promise.all(
      forged.map(async change => (await provenUndo({ installedBuildx: change }, env)).refused)
    )
    expect(reasons.map(refused => refused.length)).toEqual([1, 1, 1, 1])
    expect(reasons[0][0]).toContain(`is not where \`buildx-version\` installs buildx (${plugin})`)
    expect(reasons[1][0]).toContain('/home is not a directory above the buildx plugin')
    expect(reasons[2][0]).toContain('is not a copy the action keeps beside the plugin')
    expect(reasons[3][0]).toContain('is not the file main saved (its hash differs)')
  })

  it("keeps the directories made for the job's record only when they are buildx's store or above it", async () => {
    const config = mkdtempSync(join(tmpdir(), 'sbr-docker-config-'))
    const env = { RUNNER_TEMP: runnerTemp(), DOCKER_CONFIG: config }
    const made = [config, join(config, 'buildx')]
    expect(await provenUndo({ jobRecordDirs: made }, env)).toEqual({ record: { jobRecordDirs: made }, refused: [] })
    const forged = await provenUndo({ jobRecordDirs: [join(config, 'cli-plugins')] }, env)
    expect(forged.record).toEqual({})
    expect(forged.refused[0]).toContain(`${join(config, 'cli-plugins')} is not buildx's store or a directory above it`)
  })

  it('neutralizes what the forged state says before it reaches a warning', async () => {
    const { refused } = await provenUndo({ tempContext: 'x\n::stop-commands::t' }, { RUNNER_TEMP: runnerTemp() })
    expect(refused).toHaveLength(1)
    expect(refused[0]).not.toContain('\n')
  })
})
