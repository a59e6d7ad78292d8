import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { maskPem } from '../inputs/pem-inputs.js'
import type { CertsDirEntry, DockerTrustFacts, NotImported } from '../model.js'
import type { JobContainer } from '../topology/facts.js'
import { daemonPaths } from '../paths.js'
import { tryCommand } from './process/command.js'

// `import-docker-trust`: what the Docker daemon the job talks to trusts, read for the builder.
// The daemon's registry settings come from its API (`docker info`), which answers for a remote, a
// rootless or a container job's daemon alike; certs.d exists only on the daemon's own filesystem,
// so it is read only where that is this one.

/** The daemon's registry settings, as `docker info` shows them (RegistryConfig). */
export interface DaemonRegistrySettings {
  /** insecure-registries entries that are hosts (`HOST[:PORT]`). */
  insecureHosts: string[]
  /** insecure-registries entries that are CIDR ranges, without the daemon's implicit loopback ones. */
  cidrs: string[]
  /** The loopback ranges the daemon counts as insecure on its own (127.0.0.0/8; ::1/128 from 28.x). */
  implicitCidrs: string[]
  /** registry-mirrors: URLs with a scheme (`https://mirror.example/`). */
  mirrors: string[]
  rootless: boolean
}

/** The ranges moby's loadInsecureRegistries adds to every daemon's list (registry/config.go). */
const IMPLICIT_CIDRS = ['127.0.0.0/8', '::1/128']

interface IndexInfo {
  Name?: string
  Mirrors?: string[] | null
  Secure?: boolean
}

interface RegistryConfigJson {
  IndexConfigs?: Record<string, IndexInfo | null> | null
  InsecureRegistryCIDRs?: string[] | null
  Mirrors?: string[] | null
}

/**
 * Parses `docker info --format '{{json .RegistryConfig}}'` (moby api/types/registry ServiceConfig,
 * the same field names from 20.10 to 28.x): IndexConfigs entries with `Secure: false` are the
 * insecure-registries hosts, InsecureRegistryCIDRs the ranges, Mirrors (also under
 * IndexConfigs["docker.io"]) the registry-mirrors. Pure.
 */
export function parseRegistryConfig(json: string, securityOptions: string[] = []): DaemonRegistrySettings {
  const config = JSON.parse(json) as RegistryConfigJson | null
  const indexes = Object.entries(config?.IndexConfigs ?? {})
  const insecureHosts = indexes
    .filter(([name, info]) => info?.Secure === false && name !== 'docker.io')
    .map(([name, info]) => info?.Name || name)
  const mirrors = [...(config?.Mirrors ?? []), ...(config?.IndexConfigs?.['docker.io']?.Mirrors ?? [])]
  const allCidrs = config?.InsecureRegistryCIDRs ?? []
  return {
    insecureHosts: [...new Set(insecureHosts)].sort(),
    cidrs: allCidrs.filter(cidr => !IMPLICIT_CIDRS.includes(cidr)),
    implicitCidrs: allCidrs.filter(cidr => IMPLICIT_CIDRS.includes(cidr)),
    mirrors: [...new Set(mirrors)],
    rootless: securityOptions.some(option => option.split(',').includes('name=rootless'))
  }
}

/**
 * What the daemon's settings give before certs.d is read and the insecure hosts are asked: each
 * range reported (BuildKit configures registries by name), the implicit loopback ones only
 * mentioned. Pure.
 */
export function settingsFacts(settings: DaemonRegistrySettings): Omit<DockerTrustFacts, 'certsD' | 'certsDir'> {
  return {
    insecure: settings.insecureHosts.map(host => ({ host })),
    mirrors: settings.mirrors,
    notImported: settings.cidrs.map(cidr => ({
      what: `${cidr} in insecure-registries`,
      reason:
        'a range of addresses, not a registry: BuildKit configures registries by name; ' +
        'list each registry in that range in `registries` (with `http` or `insecure`)'
    })),
    notes:
      settings.implicitCidrs.length > 0
        ? [
            `The Docker daemon counts ${settings.implicitCidrs.join(' and ')} as insecure on its own; ` +
              'the builder does not need that: a registry on loopback gets `http` or `insecure` ' +
              'from its line in `registries`.'
          ]
        : []
  }
}

/**
 * Why the daemon's certs.d cannot be read from here, or undefined when it can: the daemon must
 * be on a local unix socket, and this step not in one of its containers (whose filesystem is not
 * the daemon's). `endpoint` is the current Docker context's (`docker context inspect`). Pure.
 */
export function certsDirOutOfReach(endpoint: string, jobContainer: JobContainer | undefined): string | undefined {
  if (jobContainer)
    return (
      `this step runs in the container ${jobContainer.name} of the Docker daemon (a container job): the ` +
      `daemon's certs.d is on its host's filesystem, not in this container`
    )
  if (!endpoint.startsWith('unix://'))
    return `the Docker daemon is at ${endpoint}, not on this machine's filesystem: its certs.d is on that machine`
  return undefined
}

/** What a certs.d directory's file names make of it, by moby's rules (registry/registry.go loadTLSConfig). */
export interface CertsDirFiles {
  /** `*.crt`: CAs, added to the system roots. */
  cas: string[]
  /** `*.cert` with its `*.key`: client keypairs, in the order the daemon loads them (by name). */
  keypairs: { cert: string; key: string }[]
  /** The errors the daemon itself fails a push to this host with (a `.cert` without its `.key`, or the reverse). */
  errors: string[]
}

/** Applies moby's file rules to the names in one certs.d directory; other names are ignored, as there. Pure. */
export function certsDirFiles(names: string[]): CertsDirFiles {
  const sorted = [...names].sort()
  const result: CertsDirFiles = { cas: [], keypairs: [], errors: [] }
  for (const name of sorted) {
    if (name.endsWith('.crt')) result.cas.push(name)
    else if (name.endsWith('.cert')) {
      const key = `${name.slice(0, -'.cert'.length)}.key`
      if (sorted.includes(key)) result.keypairs.push({ cert: name, key })
      else
        result.errors.push(
          `missing key ${key} for client certificate ${name}. CA certificates must use the extension .crt`
        )
    } else if (name.endsWith('.key')) {
      const cert = `${name.slice(0, -'.key'.length)}.cert`
      if (!sorted.includes(cert)) result.errors.push(`missing client certificate ${cert} for key ${name}`)
    }
  }
  return result
}

/** certs.d read: its entries, and what could not be read, with the reason. */
export interface CertsDirRead {
  entries: CertsDirEntry[]
  notImported: NotImported[]
}

/**
 * Reads every `HOST[:PORT]` directory of `certsDir`. A directory with a file that cannot be read
 * or with the daemon's own file errors is left out whole (half its trust would be a different
 * trust). Keys are masked as they are read. No certs.d at all is nothing to import.
 */
export async function readCertsDir(certsDir: string): Promise<CertsDirRead> {
  const result: CertsDirRead = { entries: [], notImported: [] }
  let hosts: string[]
  try {
    hosts = (await readdir(certsDir)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      result.notImported.push({ what: certsDir, reason: `cannot read it (${(error as Error).message})` })
    return result
  }
  for (const host of hosts) {
    const dir = join(certsDir, host)
    try {
      if (!(await stat(dir)).isDirectory()) continue
      const files = certsDirFiles(await readdir(dir))
      if (files.errors.length > 0) {
        result.notImported.push({ what: dir, reason: `the daemon refuses it too: ${files.errors.join('; ')}` })
        continue
      }
      const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8')
      const cas = await Promise.all(files.cas.map(read))
      const [first, ...others] = files.keypairs
      const keypair = first ? { cert: await read(first.cert), key: await read(first.key) } : undefined
      if (keypair) maskPem(keypair.key)
      for (const other of others)
        result.notImported.push({
          what: join(dir, other.cert),
          reason: `a second client keypair for ${host}: the builder offers one per registry (${first.cert} is imported)`
        })
      const ca = cas.map(pem => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('')
      if (ca === '' && !keypair) continue
      result.entries.push({ host, dir, ca, keypair })
    } catch (error) {
      result.notImported.push({ what: dir, reason: `cannot read it (${(error as Error).message})` })
    }
  }
  return result
}

/**
 * Asks the daemon for its registry settings and, where its filesystem is this one, reads its
 * certs.d (rootful /etc/docker/certs.d, rootless ~/.config/docker/certs.d). The insecure hosts
 * come back without a transport: registry-client/transport-probe.ts asks each registry.
 */
export async function readDockerTrust(
  jobContainer: JobContainer | undefined,
  env: NodeJS.ProcessEnv
): Promise<DockerTrustFacts> {
  const info = await tryCommand('docker', [
    'info',
    '--format',
    '{"RegistryConfig":{{json .RegistryConfig}},"SecurityOptions":{{json .SecurityOptions}}}'
  ])
  if (info.exitCode !== 0)
    throw new Error(
      `import-docker-trust: \`docker info\` failed, so the Docker daemon's registry settings cannot be read: ` +
        `${info.stderr.trim()}`
    )
  const answer = JSON.parse(info.stdout) as { RegistryConfig: unknown; SecurityOptions: string[] | null }
  const settings = parseRegistryConfig(JSON.stringify(answer.RegistryConfig), answer.SecurityOptions ?? [])
  const facts: DockerTrustFacts = { certsD: [], ...settingsFacts(settings) }
  const context = await tryCommand('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'])
  // docker/cli builds the default context from DOCKER_HOST; a CLI without contexts talks to DOCKER_HOST or the socket.
  const endpoint = context.exitCode === 0 ? context.stdout.trim() : env.DOCKER_HOST || 'unix:///var/run/docker.sock'
  const outOfReach = certsDirOutOfReach(endpoint, jobContainer)
  const certsDir = daemonPaths(settings.rootless, env).certsDir
  if (outOfReach) {
    facts.notImported.push({
      what: 'certs.d',
      reason:
        `${outOfReach}. Fix: list those registries in \`registries\` (\`ca=\` or \`ca-cert\` for their CAs, ` +
        '`client-cert`/`client-key` for a keypair)'
    })
    return facts
  }
  const read = await readCertsDir(certsDir)
  return { ...facts, certsDir, certsD: read.entries, notImported: [...facts.notImported, ...read.notImported] }
}
