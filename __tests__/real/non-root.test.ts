import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runMain, runPost, type Job } from '../../scripts/github-runner.mjs'
import { makePki, type TestPki } from '../helpers/certs.js'
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

function readdirKey(dir: string): string {
  const keys = readdirIfExists(dir).filter(file => file.endsWith('.key'))
  expect(keys).toHaveLength(1)
  return keys[0]
}

function readdirIfExists(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : []
}
