import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { isIP, isIPv4 } from 'node:net'
import { isLoopback, type HostAddress } from '../model.js'
import type { BindMount, HostsFileName, JobContainer } from '../topology/facts.js'
import { tryCommand } from './process/command.js'

// What the runner's network is, read before planning: which registry names this machine resolves
// from its hosts file, and whether the step runs in a container of the Docker daemon it talks to
// (a container job). A builder container on a network of its own sees neither.

/** The facts the plan reads (PlanFacts.hostsFile, PlanFacts.jobContainer). */
export interface RunnerNetwork {
  hostsFile: HostsFileName[]
  jobContainer?: JobContainer
}

const HOSTS_PATH = '/etc/hosts'

/**
 * Reads the runner's network for the registries and mirrors in `hosts`. The hosts file is parsed
 * rather than asked about through the resolver (dns.lookup against dns.resolve): the file is what
 * Go reads first for buildx and BuildKit, parsing it takes no DNS round trip (a runner whose DNS
 * is down would wait out a timeout per name), and it says exactly which names come from the file.
 */
export async function readRunnerNetwork(
  hosts: HostAddress[],
  jobContainer: Promise<JobContainer | undefined> = findJobContainer()
): Promise<RunnerNetwork> {
  const text = await readFile(HOSTS_PATH, 'utf8').catch(() => '')
  return { hostsFile: namesFromHostsFile(text, hosts), jobContainer: await jobContainer }
}

/** `hosts`' names that `hostsFile` (the text of /etc/hosts) lists, each with its addresses there. */
export function namesFromHostsFile(hostsFile: string, hosts: HostAddress[]): HostsFileName[] {
  // Only the lines that can name a registry are parsed: isIP's IPv6 check builds a large pattern on
  // its first call (3–8 ms of every main step), and every hosts file has an IPv6 line (::1
  // localhost). A loopback name (`localhost`) and an address are not looked up: the topology
  // treats the loopback as such, whatever the file says, and an address names no entry.
  const names = hosts.filter(host => !isLoopback(host) && !isAddress(host.hostname))
  const wanted = names.map(host => normalName(host.hostname))
  const lines = hostsFile.split('\n').filter(line => wanted.some(name => line.toLowerCase().includes(name)))
  const entries = parseHostsFile(lines.join('\n'))
  return [...new Set(wanted)].flatMap(name => {
    const addresses = entries.get(name)
    return addresses ? [{ name, addresses }] : []
  })
}

/** An input host's name that is an address: IPv4, or IPv6 (the only hosts with a colon in the name). */
function isAddress(hostname: string): boolean {
  return hostname.includes(':') || isIPv4(hostname)
}

/**
 * Names to addresses, as Go's resolver reads the file (net/hosts.go): `#` starts a comment, the
 * first field is an address (a line whose first field is not one is skipped), every further field
 * a name, compared in lower case and without a trailing dot.
 */
export function parseHostsFile(text: string): Map<string, string[]> {
  const names = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/)
    if (fields.length < 2 || isIP(fields[0].replace(/%.*/, '')) === 0) continue
    for (const field of fields.slice(1)) {
      const addresses = names.get(normalName(field)) ?? []
      if (!addresses.includes(fields[0])) addresses.push(fields[0])
      names.set(normalName(field), addresses)
    }
  }
  return names
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

/**
 * The container ids this process may run in: the Docker daemon bind-mounts /etc/hosts,
 * /etc/hostname and /etc/resolv.conf from `<data-root>/containers/<id>/` (mountinfo, with cgroup
 * v1 and v2 alike), and cgroup v1 paths end in the id. A runner in a container of another engine
 * (a Kubernetes pod) shows ids too: only the daemon's answer confirms one (jobContainerFrom).
 */
export function containerIdCandidates(mountinfo: string, cgroup: string): string[] {
  const ids = new Set<string>()
  for (const match of mountinfo.matchAll(/\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/g))
    ids.add(match[1])
  for (const match of cgroup.matchAll(/[/-]([0-9a-f]{64})(?:\.scope)?$/gm)) ids.add(match[1])
  return [...ids]
}

interface InspectedContainer {
  Id: string
  Name: string
  State?: { Running?: boolean }
  Config?: { Hostname?: string }
  HostConfig?: { NetworkMode?: string }
  NetworkSettings?: { Networks?: Record<string, unknown> | null }
  Mounts?: { Type?: string; Source?: string; Destination?: string }[] | null
}

/**
 * The container of `docker inspect`'s answer (`inspectJson`, a JSON array) that is this process's:
 * its id is one of `ids`, or it is the container whose id starts with `ownHostname` (Docker names a
 * container's host after the first 12 digits of its id unless told otherwise). Pure.
 */
export function jobContainerFrom(inspectJson: string, ids: string[], ownHostname: string): JobContainer | undefined {
  let inspected: InspectedContainer[]
  try {
    inspected = JSON.parse(inspectJson) as InspectedContainer[]
  } catch {
    return undefined
  }
  if (!Array.isArray(inspected)) return undefined
  const ours = inspected.find(
    container =>
      container.State?.Running !== false &&
      (ids.includes(container.Id) ||
        (/^[0-9a-f]{12}$/.test(ownHostname) &&
          container.Id.startsWith(ownHostname) &&
          container.Config?.Hostname === ownHostname))
  )
  if (!ours) return undefined
  const binds: BindMount[] = (ours.Mounts ?? [])
    .filter(mount => mount.Type === 'bind' && mount.Source && mount.Destination)
    .map(mount => ({ source: mount.Source ?? '', destination: mount.Destination ?? '' }))
  return {
    id: ours.Id,
    name: ours.Name.replace(/^\//, ''),
    networkMode: ours.HostConfig?.NetworkMode ?? '',
    networks: Object.keys(ours.NetworkSettings?.Networks ?? {}),
    binds
  }
}

/**
 * The container the step runs in, if the Docker daemon it talks to runs it. No docker command runs
 * where nothing says "container" (no /.dockerenv, no container id in /proc).
 */
export async function findJobContainer(): Promise<JobContainer | undefined> {
  const read = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '')
  const ids = containerIdCandidates(await read('/proc/self/mountinfo'), await read('/proc/self/cgroup'))
  const ownHostname = hostname()
  const byHostname = /^[0-9a-f]{12}$/.test(ownHostname) ? [ownHostname] : []
  if (ids.length === 0 && !existsSync('/.dockerenv')) return undefined
  const names = [...new Set([...ids, ...byHostname])]
  if (names.length === 0) return undefined
  // Names the daemon does not know make it exit 1 and print the ones it knows: read stdout either way.
  const result = await tryCommand('docker', ['container', 'inspect', ...names])
  return jobContainerFrom(result.stdout.trim() || '[]', ids, ownHostname)
}
