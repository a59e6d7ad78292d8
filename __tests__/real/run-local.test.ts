import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILDKIT_IMAGE, buildkitContainer } from '../helpers/builds.js'
import { docker, newDockerConfig, requireDocker } from './docker.js'
import { containerExists } from './jobs.js'

// `npm run local`, the first command of docs/development.md (Running it locally), as a newcomer runs it:
// what it prints, and that it leaves nothing behind, also when stopped with Ctrl+C.

const REPO = fileURLToPath(new URL('../..', import.meta.url))

interface Run {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Lines starting with `[N/TOTAL]`, in order. */
  phases: string[]
  /** The run's own TMPDIR: everything it makes goes there. */
  tmp: string
  dockerConfig: string
}

/**
 * `npm run local` in a process group of its own (as a terminal's foreground job), with its own
 * TMPDIR and Docker client config; `interruptWhen`: send the group SIGINT, as Ctrl+C in a
 * terminal does, once the output holds that text, or once that check of the run's TMPDIR holds
 * (polled every 2 ms while the run lives).
 */
function runLocal(env: NodeJS.ProcessEnv = {}, interruptWhen?: string | ((tmp: string) => boolean)): Promise<Run> {
  const tmp = mkdtempSync(join(tmpdir(), 'sbr-run-local-'))
  const dockerConfig = newDockerConfig()
  // What a shell would pass: no variables of the test runner, the runner's or jest's.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(INPUT_|STATE_|GITHUB_|NODE_OPTIONS$|JEST_)/.test(key))
  )
  const child = spawn('npm', ['run', 'local'], {
    cwd: REPO,
    env: { ...inherited, TMPDIR: tmp, DOCKER_CONFIG: dockerConfig, BUILDKIT_IMAGE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  let stdout = ''
  let stderr = ''
  let interrupted = false
  const interrupt = (): void => {
    if (interrupted) return
    interrupted = true
    process.kill(-child.pid!, 'SIGINT')
  }
  child.stdout.on('data', chunk => {
    stdout += chunk
    if (typeof interruptWhen === 'string' && stdout.includes(interruptWhen)) interrupt()
  })
  const poll =
    typeof interruptWhen === 'function'
      ? setInterval(() => !interrupted && interruptWhen(tmp) && interrupt(), 2)
      : undefined
  child.stderr.on('data', chunk => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (status, signal) => {
      clearInterval(poll)
      const phases = stdout.split('\n').filter(line => /^\[\d\/\d\] /.test(line))
      resolve({ status, signal, stdout, stderr, phases, tmp, dockerConfig })
    })
  })
}

/** Processes whose command line holds `text` (a path of the run's own TMPDIR). */
function processesMentioning(text: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (command.includes(text)) found.push(`${pid}: ${command}`)
    } catch {
      // Gone meanwhile.
    }
  }
  return found
}

/** Nothing of the run is left: no builder buildx knows, no BuildKit container, no process, no file. */
function expectNothingLeft(run: Run, builder: string): void {
  expect(docker(run.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(builder)
  expect(containerExists(builder)).toBe(false)
  // The registry was started with a config file in the run's TMPDIR: `docker-registry serve TMPDIR/…`.
  expect(processesMentioning(run.tmp)).toEqual([])
  expect(readdirSync(run.tmp)).toEqual([])
}

/** Exit 0 and nothing on stderr; otherwise the failure shows what the run printed. */
function expectSucceeded(run: Run): void {
  if (run.status !== 0 || run.stderr !== '')
    throw new Error(`npm run local: exit ${run.status} (${run.signal}):\n${run.stdout}\nstderr:\n${run.stderr}`)
}

/** The builders the runs booted: one a failed run left is removed in afterAll, not left to the next run. */
const booted = new Set<string>()

/** `[2/6] main step: builder NAME up, …` → NAME. */
function builderOf(run: Run): string {
  const name = /^\[2\/6\] main step: builder (npm-run-local-[0-9a-f]{8}) up/.exec(run.phases[1] ?? '')?.[1]
  if (!name) throw new Error(`no builder named in the main step's line:\n${run.stdout}\n${run.stderr}`)
  booted.add(name)
  return name
}

beforeAll(() => {
  requireDocker()
})

afterAll(() => {
  for (const builder of booted) {
    if (!containerExists(builder)) continue
    spawnSync('docker', ['rm', '-f', buildkitContainer(builder)], { stdio: 'ignore' })
    spawnSync('docker', ['volume', 'rm', `${buildkitContainer(builder)}_state`], { stdio: 'ignore' })
  }
})

describe('npm run local', () => {
  it('runs the action on this machine: a TLS registry of its own, main, a push read back at the registry, post, one line each', async () => {
    const run = await runLocal()
    expectSucceeded(run)
    expect(run.phases).toHaveLength(6)
    const [registry, main, build, readBack, post, cleanup] = run.phases

    const host = /^\[1\/6\] registry: https:\/\/(127\.0\.0\.1:\d+) \(docker-registry, self-signed CA\)$/.exec(
      registry
    )?.[1]
    expect(host).toBeDefined()
    const builder = builderOf(run)
    expect(main).toContain(`trusting the CA (BuildKit image ${BUILDKIT_IMAGE}, exit 0,`)
    // The main step's log, shown under its line: the registry's TLS settings in buildkitd.toml.
    expect(run.stdout).toContain(`      [registry."${host}"]\n      http = false\n      ca = [ "`)

    const pushed = /pushed (sha256:[0-9a-f]{64})$/.exec(build)?.[1]
    expect(build).toContain(`[3/6] build: docker buildx build --builder ${builder} --push -t ${host}/demo/hello:1 `)
    expect(pushed).toBeDefined()
    // Read back over HTTPS at the registry, the same digest as buildx pushed.
    expect(readBack).toBe(
      `[4/6] read back: GET https://${host}/v2/demo/hello/manifests/1 → ${pushed} (application/vnd.oci.image.index.v1+json), the digest pushed`
    )

    expect(post).toMatch(
      new RegExp(
        `^\\[5/6\\] post step: builder ${builder}, its BuildKit container and the job directory gone \\(exit 0,`
      )
    )
    expect(run.stdout).toContain(`      Removed builder ${builder}.`)
    expect(cleanup).toBe('[6/6] cleanup: registry stopped, temporary files removed')
    expectNothingLeft(run, builder)
  })

  it('Ctrl+C after the main step: the push stops, and the post step and the cleanup still run', async () => {
    const run = await runLocal({}, '[2/6] main step: builder')
    const builder = builderOf(run)
    // What a shell then reports as 130 (128 + SIGINT): npm ends with the script's exit code 130, or
    // by the terminal's SIGINT itself.
    expect(run.status === 130 || run.signal === 'SIGINT').toBe(true)
    expect(run.stdout).toContain('SIGINT: stopping; the post step and the cleanup still run')
    expect(run.phases.some(line => line.startsWith('[4/6]'))).toBe(false)
    expect(run.phases.slice(-2)).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[5/6\\] post step: builder ${builder}, its BuildKit container and the job directory gone`)
      ),
      '[6/6] cleanup: registry stopped, temporary files removed'
    ])
    expectNothingLeft(run, builder)
  })

  it('Ctrl+C during the push: the registry never gets the tag, and the post step and the cleanup still run', async () => {
    // The demo registry's storage (distribution's filesystem layout) under the run's TMPDIR: an
    // upload directory appears with the first blob upload the registry starts, the tag's link
    // when the push is done. Both stay until the cleanup removes the storage, after post.
    const repository = (tmp: string): string | undefined => {
      const demo = readdirSync(tmp).find(name => name.startsWith('sbr-local-'))
      return demo && join(tmp, demo, 'registry/data/docker/registry/v2/repositories/demo/hello')
    }
    let uploadSeen = false
    let tagSeen = false
    const uploadStarted = (tmp: string): boolean => {
      const repo = repository(tmp)
      tagSeen ||= repo !== undefined && existsSync(join(repo, '_manifests/tags/1'))
      uploadSeen ||= repo !== undefined && existsSync(join(repo, '_uploads'))
      return uploadSeen
    }
    const run = await runLocal({}, uploadStarted)
    const builder = builderOf(run)
    expect(uploadSeen).toBe(true)
    expect(run.status === 130 || run.signal === 'SIGINT').toBe(true)
    expect(run.stdout).toContain('SIGINT: stopping; the post step and the cleanup still run')
    // The build did not finish: no pushed digest, nothing read back, and the tag never at the registry.
    expect(run.phases.some(line => line.startsWith('[3/6] build:') || line.startsWith('[4/6]'))).toBe(false)
    expect(tagSeen).toBe(false)
    expect(run.phases.slice(-2)).toEqual([
      expect.stringMatching(
        new RegExp(`^\\[5/6\\] post step: builder ${builder}, its BuildKit container and the job directory gone`)
      ),
      '[6/6] cleanup: registry stopped, temporary files removed'
    ])
    expectNothingLeft(run, builder)
  })

  it('your own INPUT_* variables instead: no demo registry, main and post with your inputs', async () => {
    const run = await runLocal({
      INPUT_REGISTRIES: 'registry.internal:5000 http',
      INPUT_BOOTSTRAP: 'false',
      INPUT_PREFLIGHT: 'off'
    })
    expectSucceeded(run)
    expect(run.phases).toEqual([
      expect.stringMatching(/^\[1\/2\] main step with your inputs \(bootstrap, preflight, registries\): exit 0, /),
      expect.stringMatching(/^\[2\/2\] post step: exit 0, /)
    ])
    expect(run.stdout).toContain('      [registry."registry.internal:5000"]\n      http = true\n')
    expect(run.stdout).not.toContain('docker-registry')
    const builder = /^ {6}output name: (\S+)$/m.exec(run.stdout)?.[1]
    expect(builder).toBeDefined()
    expect(docker(run.dockerConfig, ['buildx', 'ls']).stdout).not.toContain(builder)
    expect(readdirSync(run.tmp)).toEqual([])
  })
})
