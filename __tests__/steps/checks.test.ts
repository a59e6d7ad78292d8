import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Plan } from '../../src/plan/plan.js'
import { openDaemonAccessIfPlanned, requireDockerCli } from '../../src/steps/checks.js'

describe('requireDockerCli', () => {
  const path = process.env.PATH
  afterEach(() => (process.env.PATH = path))

  it('passes when `docker` is on PATH', () => {
    const bin = mkdtempSync(join(tmpdir(), 'sbr-bin-'))
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\n')
    chmodSync(join(bin, 'docker'), 0o755)
    process.env.PATH = `/nonexistent:${bin}`
    expect(() => requireDockerCli()).not.toThrow()
  })

  it('fails naming PATH and what to do when it is not', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sbr-bin-'))
    process.env.PATH = empty
    expect(() => requireDockerCli()).toThrow(
      `\`docker\` is not on PATH (${empty}): this action and the steps after it run the Docker CLI. Install Docker on the runner, or add the directory that holds \`docker\` to PATH`
    )
  })
})

describe('openDaemonAccessIfPlanned', () => {
  it('asks nothing of the machine when the plan leaves the daemon alone', async () => {
    // With PATH empty, any `docker info` would fail: none is run.
    const path = process.env.PATH
    process.env.PATH = ''
    try {
      await expect(openDaemonAccessIfPlanned({ daemonTrust: undefined } as Plan)).resolves.toBeUndefined()
    } finally {
      process.env.PATH = path
    }
  })
})
