import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
import { lockDaemonConfig } from '../helpers/daemon-config-lock.js'
import { requireDocker } from './docker.js'

// A runner user that is not root (most self-hosted runners): the action writes
// the Docker daemon's certs.d through passwordless sudo, and says what to
// change when there is none. Two throwaway users, made and removed here; their
// primary group is docker, so they reach the daemon as a runner user would.

interface TestUser {
  name: string
  uid: number
  gid: number
}

let pki: TestPki
const users: TestUser[] = []
let withSudo: TestUser
let withoutSudo: TestUser

function makeUser(sudo: boolean): TestUser {
  const name = `sbr-${randomBytes(3).toString('hex')}`
  execFileSync('useradd', ['--create-home', '--gid', 'docker', '--shell', '/bin/sh', name], { stdio: 'pipe' })
  if (sudo) writeFileSync(`/etc/sudoers.d/${name}`, `${name} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 })
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  const user = { name, uid, gid }
  users.push(user)
  return user
}

beforeAll(() => {
  requireDocker()
  pki = makePki(['registry.nonroot.test'])
  withSudo = makeUser(true)
  withoutSudo = makeUser(false)
})

afterAll(() => {
  for (const user of users) {
    rmSync(`/etc/sudoers.d/${user.name}`, { force: true })
    execFileSync('userdel', ['--remove', user.name], { stdio: 'pipe' })
  }
})

function jobAs(user: TestUser): Job {
  const dockerConfig = mkdtempSync(join(tmpdir(), 'sbr-docker-config-'))
  chownSync(dockerConfig, user.uid, user.gid)
  return newJob(
    { DOCKER_CONFIG: dockerConfig, HOME: `/home/${user.name}`, USER: user.name },
    { uid: user.uid, gid: user.gid }
  )
}

describe('a runner user that is not root', () => {
  it('with passwordless sudo: certs.d is written as root and removed by the post step', async () => {
    const job = jobAs(withSudo)
    const host = `registry.nonroot.test:${10000 + Math.floor(Math.random() * 50000)}`
    const inputs = {
      registries: host,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      'trust-docker-daemon': 'true',
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    const dir = `/etc/docker/certs.d/${host}`
    const written = main.log.match(new RegExp(`Docker daemon: wrote (${dir}/[^\\s]+)`, 'g')) ?? []
    expect(written).toHaveLength(3)
    const key = readdirKey(dir)
    expect(statSync(join(dir, key)).uid).toBe(0)
    expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, key), 'utf8').trim()).toBe(pki.clientKey.trim())

    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync(dir)).toBe(false)
  })

  it(
    'with passwordless sudo, restart: insecure-registries added through sudo under the lock; post gives daemon.json back byte for byte',
    async () => {
      const unlockDaemonConfig = await lockDaemonConfig()
      const daemonJson = '/etc/docker/daemon.json'
      const now = (): { text?: string; mode?: number } =>
        existsSync(daemonJson)
          ? { text: readFileSync(daemonJson, 'utf8'), mode: statSync(daemonJson).mode & 0o7777 }
          : {}
      const before = now()
      try {
        const job = jobAs(withSudo)
        const host = 'nonroot-restart.sbr.test:5000'
        const inputs = {
          registries: `${host} http`,
          'trust-docker-daemon': 'restart',
          bootstrap: 'false',
          preflight: 'off'
        }
        const main = await runMain(job, inputs)
        expect(main.log).not.toContain('::error::')
        expect(main.exitCode).toBe(0)
        expect(JSON.parse(readFileSync(daemonJson, 'utf8'))['insecure-registries']).toContain(host)
        const post = await runPost(job, main.state, inputs)
        expect(post.exitCode).toBe(0)
        expect(post.log).not.toContain('::warning::')
        expect(now()).toEqual(before)
        expect(readdirSync('/etc/docker').filter(file => file.includes('setup-buildkit-registry'))).toEqual([])
      } finally {
        if (before.text === undefined) rmSync(daemonJson, { force: true })
        else if (now().text !== before.text) writeFileSync(daemonJson, before.text)
        unlockDaemonConfig()
      }
    },
    11 * 60000
  ) // with up to 10 min waiting for the daemon config lock

  it('without sudo: fails before anything is written or created, naming what to change', async () => {
    const job = jobAs(withoutSudo)
    const inputs = {
      registries: 'registry.nonroot.test:5443',
      'ca-cert': pki.caCert,
      'trust-docker-daemon': 'true',
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(
      '::error::trust-docker-daemon (writing /etc/docker/certs.d) needs root: run the job as root, allow this user passwordless sudo, or use rootless Docker'
    )
    expect(main.log).not.toContain('buildx create')
    expect(readdirIfExists(job.runnerTemp)).toEqual([])
    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync('/etc/docker/certs.d/registry.nonroot.test:5443')).toBe(false)
    expect(readdirIfExists(job.runnerTemp)).toEqual([])
  })
})

describe('links another user planted (issue 25, item 7)', () => {
  /**
   * A file of the runner user's own (0600) and a directory every user may write (a team's shared
   * directory, not sticky), where the other user plants a link to that file.
   */
  function plantingGround(): { victim: string; shared: string; plant: (at: string) => void } {
    const victim = `/home/${withoutSudo.name}/secret`
    writeFileSync(victim, "the runner user's own secret\n", { mode: 0o600 })
    chownSync(victim, withoutSudo.uid, withoutSudo.gid)
    const shared = mkdtempSync(join(tmpdir(), 'sbr-shared-'))
    chmodSync(shared, 0o777)
    const plant = (at: string): void => {
      symlinkSync(victim, at)
      lchownSync(at, withSudo.uid, withSudo.gid)
    }
    return { victim, shared, plant }
  }

  const victimNow = (victim: string): { text: string; mode: number } => ({
    text: readFileSync(victim, 'utf8'),
    mode: statSync(victim).mode & 0o7777
  })

  const inputsFor = (installed: string): Record<string, string> => ({
    registries: 'registry.nonroot.test:5443',
    'ca-cert': pki.caCert,
    'install-config': installed,
    bootstrap: 'false',
    preflight: 'off'
  })

  it('install-config: a link at the staging name the action used to write leaves the file it names untouched', async () => {
    const { victim, shared, plant } = plantingGround()
    const installed = join(shared, 'buildkitd.toml')
    plant(`${installed}.setup-buildkit-registry.tmp`)
    const before = victimNow(victim)
    const job = jobAs(withoutSudo)
    const inputs = inputsFor(installed)
    const main = await runMain(job, inputs)
    expect(main.log).not.toContain('::error::')
    expect(main.exitCode).toBe(0)
    expect(victimNow(victim)).toEqual(before)
    expect(lstatSync(installed).isFile()).toBe(true)
    expect(readFileSync(installed, 'utf8')).toContain('[registry."registry.nonroot.test:5443"]')
    expect(statSync(installed)).toMatchObject({ uid: withoutSudo.uid, mode: expect.any(Number) })
    expect(statSync(installed).mode & 0o7777).toBe(0o644)

    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync(installed)).toBe(false)
    expect(victimNow(victim)).toEqual(before)
  })

  it('install-config: a link at the path itself fails the step before anything is made, naming the input, and the file it names keeps its bytes and mode', async () => {
    const { victim, shared, plant } = plantingGround()
    const installed = join(shared, 'buildkitd.toml')
    plant(installed)
    const before = victimNow(victim)
    const job = jobAs(withoutSudo)
    const inputs = inputsFor(installed)
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(1)
    expect(main.log).toContain(
      `::error::Input 'install-config': ${installed} is a symbolic link (to ${victim}). Fix: name the file itself, or remove the link`
    )
    expect(main.log).not.toContain('buildx create')
    expect(victimNow(victim)).toEqual(before)

    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(victimNow(victim)).toEqual(before)
    expect(lstatSync(installed).isSymbolicLink()).toBe(true)
  })
})

describe('keys written through sudo (issue 25, item 8)', () => {
  it('the client key is made 0600 and empty by the command that creates it, then filled, then renamed into place', async () => {
    const job = jobAs(withSudo)
    // A sudo on PATH that logs each command line, then runs the real one.
    const wrapperDir = mkdtempSync(join(tmpdir(), 'sbr-sudo-log-'))
    chmodSync(wrapperDir, 0o755)
    const logPath = join(wrapperDir, 'sudo.log')
    writeFileSync(logPath, '')
    writeFileSync(join(wrapperDir, 'sudo'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${logPath}\nexec /usr/bin/sudo "$@"\n`, {
      mode: 0o755
    })
    chownSync(logPath, withSudo.uid, withSudo.gid)
    job.path.unshift(wrapperDir)
    const host = `registry.nonroot.test:${10000 + Math.floor(Math.random() * 50000)}`
    const inputs = {
      registries: host,
      'ca-cert': pki.caCert,
      'client-cert': pki.clientCert,
      'client-key': pki.clientKey,
      'trust-docker-daemon': 'true',
      bootstrap: 'false',
      preflight: 'off'
    }
    const main = await runMain(job, inputs)
    expect(main.exitCode).toBe(0)
    const dir = `/etc/docker/certs.d/${host}`
    const key = join(dir, readdirKey(dir))
    const staged = `${dir}/.${readdirKey(dir)}.`
    const touchingKey = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter(line => line.includes(key) || line.includes(staged))
    expect(touchingKey).toEqual([
      expect.stringMatching(new RegExp(`^-n install -T -m 600 /dev/null ${escape(staged)}[0-9a-f]{16}\\.sbr-tmp$`)),
      expect.stringMatching(new RegExp(`^-n tee ${escape(staged)}[0-9a-f]{16}\\.sbr-tmp$`)),
      expect.stringMatching(new RegExp(`^-n sync ${escape(staged)}[0-9a-f]{16}\\.sbr-tmp$`)),
      expect.stringMatching(new RegExp(`^-n mv -f -T ${escape(staged)}[0-9a-f]{16}\\.sbr-tmp ${escape(key)}$`))
    ])
    expect(statSync(key).mode & 0o7777).toBe(0o600)
    expect(statSync(key).uid).toBe(0)
    expect(readdirSync(dir).filter(file => file.startsWith('.'))).toEqual([])

    expect((await runPost(job, main.state, inputs)).exitCode).toBe(0)
    expect(existsSync(dir)).toBe(false)
    rmSync(wrapperDir, { recursive: true, force: true })
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function readdirKey(dir: string): string {
  const keys = readdirIfExists(dir).filter(file => file.endsWith('.key'))
  expect(keys).toHaveLength(1)
  return keys[0]
}

function readdirIfExists(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}
