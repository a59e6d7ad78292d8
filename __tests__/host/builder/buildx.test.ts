import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildxPluginPath, isNameTaken } from '../../../src/host/builder/buildx.js'
import { CommandError } from '../../../src/host/process/command.js'

// What of buildx.ts can be told without running buildx: which plugin binary it would run, and
// buildx's words for a name already taken. Creating, inspecting and removing builders run the real
// buildx in __tests__/real/.

describe('buildxPluginPath: the buildx the Docker CLI would run', () => {
  it("is the first docker-buildx in the CLI's order: the config's extra dirs, then DOCKER_CONFIG/cli-plugins", () => {
    const dockerConfig = mkdtempSync(join(tmpdir(), 'sbr-buildx-'))
    const extra = join(dockerConfig, 'extra-plugins')
    const user = join(dockerConfig, 'cli-plugins')
    for (const dir of [extra, user]) {
      mkdirSync(dir)
      writeFileSync(join(dir, 'docker-buildx'), '#!/bin/sh\n', { mode: 0o755 })
    }
    const env = { DOCKER_CONFIG: dockerConfig }
    expect(buildxPluginPath(env)).toBe(join(user, 'docker-buildx'))
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: [extra] }))
    expect(buildxPluginPath(env)).toBe(join(extra, 'docker-buildx'))
  })
})

describe('isNameTaken', () => {
  it.each([
    // buildx's builder/builder.go, and its older commands/create.go.
    'ERROR: existing instance for "builder-1" but no append mode, specify the node name to make changes for existing instances',
    'ERROR: existing instance for "builder-1" but no append mode, specify --node to make changes for existing instances',
    'ERROR: existing instance for "builder-1" but has mismatched driver "kubernetes"'
  ])("is buildx's refusal to create a builder under an existing name: %s", stderr => {
    expect(isNameTaken(new CommandError('docker buildx create --name builder-1', 1, `${stderr}\n`))).toBe(true)
  })

  it('is no other failure, nor an error that is not a failed command', () => {
    expect(isNameTaken(new CommandError('docker buildx create', 1, 'ERROR: failed to find driver "cloud"'))).toBe(false)
    expect(isNameTaken(new Error('existing instance for "builder-1"'))).toBe(false)
  })
})
