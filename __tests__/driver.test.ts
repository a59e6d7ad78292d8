import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DRIVER, driverCapabilities, type KnownDriver } from '../src/driver.js'

const KNOWN: KnownDriver[] = ['docker-container', 'docker', 'remote', 'kubernetes']

describe('driverCapabilities: what each driver takes from the action', () => {
  it('docker-container: everything (config, default flags, env options, its own container, state volume)', () => {
    expect(DEFAULT_DRIVER).toBe('docker-container')
    expect(driverCapabilities('docker-container')).toEqual({
      daemonBuilder: false,
      takesConfig: true,
      flags: 'default',
      rootlessNeedsConfigFlag: false,
      envOpts: true,
      container: true,
      stateVolume: true,
      endpointTls: false,
      diskReport: true,
      remnants: 'containers'
    })
  })

  it("docker: the daemon's own builder, which takes nothing and leaves nothing", () => {
    const docker = driverCapabilities('docker')
    expect([docker.daemonBuilder, docker.takesConfig, docker.envOpts, docker.container]).toEqual([
      true,
      false,
      false,
      false
    ])
    expect(docker.remnants).toBe('none')
    expect(docker.gcFix).toMatch(/daemon\.json/)
  })

  it('remote: no config, no flags, TLS to its endpoint, a cache that is not ours to report', () => {
    const remote = driverCapabilities('remote')
    expect([remote.takesConfig, remote.flags, remote.endpointTls, remote.diskReport]).toEqual([
      false,
      'never',
      true,
      false
    ])
    expect(remote.gcFix).toMatch(/config your buildkitd starts with/)
  })

  it('kubernetes: a config and flags, --config for rootless, a deployment post can only name', () => {
    const kubernetes = driverCapabilities('kubernetes')
    expect([kubernetes.takesConfig, kubernetes.flags, kubernetes.rootlessNeedsConfigFlag]).toEqual([
      true,
      'default',
      true
    ])
    expect([kubernetes.envOpts, kubernetes.remnants]).toEqual([false, 'deployment'])
    expect(kubernetes.proxyHint).toMatch(/buildx v0\.27/)
  })

  it('another name buildx may know (cloud): a config and only the flags the user sets', () => {
    const cloud = driverCapabilities('cloud')
    expect([cloud.daemonBuilder, cloud.takesConfig, cloud.flags, cloud.container]).toEqual([
      false,
      true,
      'when-set',
      false
    ])
    expect(cloud.caScopeRefusal?.problem).toMatch(/the cloud driver/)
    // A name that is an Object.prototype key is not a row of the table.
    expect(driverCapabilities('constructor').flags).toBe('when-set')
  })

  it('every driver the action gives no env options says why `ca-cert-scope: all` cannot apply', () => {
    for (const driver of [...KNOWN, 'cloud'])
      expect(driverCapabilities(driver).caScopeRefusal !== undefined).toBe(!driverCapabilities(driver).envOpts)
  })

  it('every driver that takes no config has the fix for the GC inputs', () => {
    for (const driver of KNOWN)
      expect(driverCapabilities(driver).gcFix !== undefined).toBe(!driverCapabilities(driver).takesConfig)
  })
})

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []
  )
}

/** The code of a file without its comments (a comment may name drivers freely). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
}

// A driver name compared or listed: a quoted name that is only ever a driver, `docker` next to a
// comparison, or a `driver` compared to a string. `docker` as a command (`tryCommand('docker', …)`) is not one.
const DRIVER_COMPARISON = [
  /(['"])(docker-container|remote|kubernetes)\1/,
  /[=!]==\s*(['"])docker\1|(['"])docker\2\s*[=!]==|case\s+(['"])docker\3/,
  /(?<!typeof )[\w.]*driver\s*[=!]==\s*['"`]|['"`]\s*[=!]==\s*[\w.]*driver\b/i,
  /includes\(\s*[\w.]*driver\s*\)/i
]

describe('src/: the driver table is the only place drivers differ', () => {
  it('no other file compares or lists driver names', () => {
    const found = sourceFiles(SRC)
      .filter(file => relative(SRC, file) !== 'driver.ts')
      .flatMap(file =>
        code(file)
          .split('\n')
          .filter(line => DRIVER_COMPARISON.some(pattern => pattern.test(line)))
          .map(line => `${relative(SRC, file)}: ${line.trim()}`)
      )
    expect(found).toEqual([])
  })

  it('the check finds a comparison where there is one', () => {
    const lines = [
      "if (builder.driver === 'docker') return",
      "const LIST = ['docker-container']",
      "x === 'docker'",
      'if (inputs.builder.driver !== `cloud`) return',
      'if (FLAGS.includes(builder.driver)) return'
    ]
    expect(lines.filter(line => !DRIVER_COMPARISON.some(pattern => pattern.test(line)))).toEqual([])
    const notComparisons = ["await tryCommand('docker', ['info'])", "typeof Driver === 'string' ? Driver : undefined"]
    expect(notComparisons.filter(line => DRIVER_COMPARISON.some(pattern => pattern.test(line)))).toEqual([])
  })
})
