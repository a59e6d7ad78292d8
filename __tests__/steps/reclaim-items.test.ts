import { describeUndone, reclaimableUndo, reclaimedLine } from '../../src/steps/reclaim-items.js'
import type { UndoRecord } from '../../src/steps/state.js'

// What a reclaim undoes of a dead job's record, and how each thing reads: pure.

const lease = {
  path: '/home/runner/.docker/buildx/setup-buildkit-registry-leases/b.json',
  holder: { builder: 'b', host: 'runner-1', pid: 10, started: '5', job: 'run 1, job build' }
}
const record: UndoRecord = {
  jobDir: '/runner/_temp/setup-buildkit-registry-0123456789ab',
  builder: { name: 'b', driver: 'docker-container', removeInPost: true, keepState: true },
  builderSelection: { builder: 'b', before: { current: null, defaults: {} } },
  tempContext: 'setup-buildkit-registry-0123456789ab',
  lease,
  diskReport: { builder: 'b' },
  clientTrust: { sslCertFileBefore: '' },
  jobRecord: '/home/runner/.docker/buildx/setup-buildkit-registry-jobs/setup-buildkit-registry-0123456789ab.json',
  jobRecordDirs: ['/home/runner/.docker/buildx']
}

const job = { id: 'setup-buildkit-registry-0123456789ab', owner: { host: 'runner-1', pid: 10, started: '5' } }

describe('reclaimableUndo', () => {
  it("leaves out what belonged to the dead job's own steps: its environment, its disk report, its record file and its directories", () => {
    const undo = reclaimableUndo(record, job, false)
    expect(Object.keys(undo).sort()).toEqual(['builder', 'builderSelection', 'jobDir', 'lease', 'tempContext'].sort())
    expect(undo.builder).toEqual(record.builder)
  })

  it('a builder name a running job holds now: its builder, selection and lease are left to that job', () => {
    expect(Object.keys(reclaimableUndo(record, job, true)).sort()).toEqual(['jobDir', 'tempContext'])
  })

  it("leaves out what names another job than the record's: a running job's directory, context, lease, certs.d files", () => {
    const other = 'setup-buildkit-registry-ffffffffffff'
    const forged: UndoRecord = {
      jobDir: `/runner/_temp/${other}`,
      tempContext: other,
      lease: { ...lease, holder: { ...lease.holder, pid: 11 } },
      daemonTrust: { rootless: false, files: [`/etc/docker/certs.d/r.test:5443/${other}.crt`], dirs: [] }
    }
    expect(reclaimableUndo(forged, job, false)).toEqual({})
    const ledgerOfAnother: UndoRecord = {
      daemonTrust: {
        rootless: false,
        files: [],
        dirs: [],
        daemonJson: {
          pidFile: '/var/run/docker.pid',
          added: ['h:5000'],
          job: other,
          change: { path: '/etc/docker/daemon.json', written: 'x' }
        }
      }
    }
    expect(reclaimableUndo(ledgerOfAnother, job, false)).toEqual({})
    const own: UndoRecord = {
      daemonTrust: { rootless: false, files: [`/etc/docker/certs.d/r.test:5443/${job.id}.key`], dirs: [] }
    }
    expect(reclaimableUndo(own, job, false)).toEqual(own)
  })

  it("puts back the buildx plugin only from the dead job's own copy", () => {
    const plugin = '/home/runner/.docker/cli-plugins/docker-buildx'
    const before = (id: string) => ({
      backup: `/home/runner/.docker/cli-plugins/.docker-buildx.${id}.sbr-backup`,
      sha256: 'a',
      mode: 0o755,
      uid: 1001,
      gid: 1001
    })
    const own: UndoRecord = { installedBuildx: { path: plugin, before: before(job.id), written: 'b', madeDirs: [] } }
    expect(reclaimableUndo(own, job, false)).toEqual(own)
    const installedOnly: UndoRecord = { installedBuildx: { path: plugin, written: 'b', madeDirs: [] } }
    expect(reclaimableUndo(installedOnly, job, false)).toEqual(installedOnly)
    const anothers: UndoRecord = {
      installedBuildx: {
        path: plugin,
        before: before('setup-buildkit-registry-ffffffffffff'),
        written: 'b',
        madeDirs: []
      }
    }
    expect(reclaimableUndo(anothers, job, false)).toEqual({})
    expect(describeUndone(own, 'installedBuildx')).toBe(`the buildx plugin ${plugin}, put back`)
    expect(describeUndone(installedOnly, 'installedBuildx')).toBe(`the buildx plugin ${plugin}, removed`)
  })
})

describe('describeUndone', () => {
  it('names each thing as a user would look for it', () => {
    expect(describeUndone(record, 'builder')).toBe(
      'builder b and its BuildKit container; its state volume kept (keep-state)'
    )
    const plain = { builder: { name: 'b', removeInPost: true } }
    expect(describeUndone(plain, 'builder')).toBe('builder b, its BuildKit container and state volume')
    expect(describeUndone(record, 'tempContext')).toBe('Docker context setup-buildkit-registry-0123456789ab')
    expect(describeUndone(record, 'jobDir')).toBe('job directory /runner/_temp/setup-buildkit-registry-0123456789ab')
    expect(describeUndone(record, 'lease')).toBe('the lease on builder name b')
    const trust: UndoRecord = {
      daemonTrust: {
        rootless: false,
        files: ['/etc/docker/certs.d/r.test:5443/setup-buildkit-registry-0123456789ab.crt'],
        dirs: ['/etc/docker/certs.d/r.test:5443'],
        daemonJson: {
          pidFile: '/var/run/docker.pid',
          added: ['h.test:5000'],
          change: { path: '/etc/docker/daemon.json', written: 'x' }
        }
      }
    }
    expect(describeUndone(trust, 'daemonTrust')).toBe(
      'Docker daemon trust: /etc/docker/certs.d/r.test:5443/setup-buildkit-registry-0123456789ab.crt, h.test:5000 in /etc/docker/daemon.json'
    )
  })

  it('says nothing of what undid nothing a user sees: a builder kept (cleanup: false), a disk report, an absent kind', () => {
    expect(describeUndone({ builder: { name: 'b', removeInPost: false } }, 'builder')).toBeUndefined()
    expect(describeUndone(record, 'diskReport')).toBeUndefined()
    expect(describeUndone({}, 'tempContext')).toBeUndefined()
    expect(describeUndone({ buildxAlias: false }, 'buildxAlias')).toBeUndefined()
  })
})

describe('reclaimedLine', () => {
  it('one line: what, which job, why it is known to be gone', () => {
    expect(
      reclaimedLine({ what: 'Docker context c', job: 'run 1, job build', why: 'its runner process 7 is gone' })
    ).toBe('Reclaimed Docker context c, left by run 1, job build (its runner process 7 is gone).')
    expect(reclaimedLine({ what: 'Docker context c', job: '', why: 'the machine has rebooted since' })).toBe(
      'Reclaimed Docker context c, left by an earlier job (the machine has rebooted since).'
    )
  })
})
