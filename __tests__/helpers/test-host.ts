import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAlive, lockOwner, MACHINE_LOCK_DIR, releaseLock, tryLock } from './pid-lock.js'
import { onExit, startRegistry, type RegistryOptions, type RunningServer } from './servers.js'

// A "test host": a network namespace of its own, joined to this one by a veth pair, with a name in
// /etc/hosts. dockerd treats every registry on 127.0.0.0/8 as insecure (plain HTTP and any
// certificate are fine there), so a test of how dockerd and buildkit trust a registry needs the
// registry somewhere else: at `<random>.sbr.test`, an address from TEST-NET-2 (198.51.100.0/24)
// inside the namespace. Needs root, iproute2 and, by default, a running dockerd.

const SUBNET = '198.51.100.'
/** 198.51.100.0/24 in /30s: slot k is 198.51.100.4k/30, the root end .4k+1, the namespace's end .4k+2. */
const SLOTS = 64
const DOMAIN = 'sbr.test'
const HOSTS_PATH = '/etc/hosts'
/** Marks the /etc/hosts lines written here: `ADDRESS NAME # sbr-test-host netns=NETNS pid=PID`. */
const HOSTS_TAG = 'sbr-test-host'
/** Serializes /etc/hosts edits between test processes (jest workers). */
const HOSTS_LOCK = join(MACHINE_LOCK_DIR, 'sbr-etc-hosts.lock')
/** `sbr-<pid of the creating process>-<random>`, so leftovers of dead processes can be found. */
const NETNS_PATTERN = /^sbr-(\d+)-[0-9a-f]+$/

export interface TestHost {
  /** The host's name, e.g. `3f9c2a71.sbr.test`: in /etc/hosts, for certificates (`makePki([name])`). */
  name: string
  /** Its IPv4 address, inside the namespace. */
  address: string
  /** The root namespace's end of the link (the namespace's default gateway). */
  rootAddress: string
  /** The network namespace, for `ip netns exec NETNS ...`. */
  netns: string
  /** The veth in the root namespace (its peer is `eth0` in the namespace). */
  veth: string
  /** Debian's docker-registry in the namespace on `address:PORT` (as `startRegistry`); `host` is `NAME:PORT`. */
  startRegistry(options?: Omit<RegistryOptions, 'address' | 'netns'>): Promise<RunningServer>
  /**
   * Stops its registries and whatever else runs in the namespace, deletes the veth and the
   * namespace, and removes its /etc/hosts line. Safe to call more than once; also runs on exit.
   */
  destroy(): Promise<void>
}

export interface TestHostOptions {
  /** A label for the name: `<name>-<random>.sbr.test` instead of `<random>.sbr.test` (a-z, 0-9, -). */
  name?: string
  /**
   * Wait until dockerd resolves the name (default true). dockerd's Go resolver re-reads /etc/hosts
   * at most every 5 s, so without this a `docker push` right after creation can fail with
   * `lookup NAME on ...: no such host`.
   */
  waitForDockerd?: boolean
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs `ip`; an error whose stderr matches `gone` (the thing is already deleted) counts as success. */
function ipIfPresent(args: string[], gone: RegExp): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' })
  if (result.status === 0 || gone.test(result.stderr ?? '')) return
  throw new Error(`ip ${args.join(' ')} failed: ${(result.stderr || result.error?.message || '').trim()}`)
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

// ---- /etc/hosts ----

/** Runs `action` holding the /etc/hosts lock (pid-lock.ts). */
function withHostsLock<T>(action: () => T): T {
  const deadline = Date.now() + 10000
  while (!tryLock(HOSTS_LOCK)) {
    if (Date.now() > deadline)
      throw new Error(`${HOSTS_LOCK} is held by pid ${lockOwner(HOSTS_LOCK)} for more than 10 s`)
    sleepSync(10)
  }
  try {
    return action()
  } finally {
    releaseLock(HOSTS_LOCK)
  }
}

/**
 * Replaces /etc/hosts with `transform(its content)`, under the lock, atomically: a new file renamed
 * over it, so a reader (or a crash) never sees half a file. A writer that does not take the lock
 * could change the file between our read and our rename: the content is compared just before the
 * rename and the edit starts over if it changed. Where /etc/hosts is a mount point (containers)
 * it cannot be renamed over and is rewritten in place.
 */
function editHosts(transform: (content: string) => string): void {
  withHostsLock(() => {
    for (let attempt = 0; ; attempt++) {
      const before = readFileSync(HOSTS_PATH, 'utf8')
      const after = transform(before)
      if (after === before) return
      const { mode, uid, gid } = statSync(HOSTS_PATH)
      const temp = `${HOSTS_PATH}.${HOSTS_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`
      try {
        writeFileSync(temp, after, { flag: 'wx' })
        chmodSync(temp, mode & 0o7777)
        chownSync(temp, uid, gid)
        if (readFileSync(HOSTS_PATH, 'utf8') !== before) {
          if (attempt < 20) continue
          throw new Error(
            `${HOSTS_PATH} keeps changing while being edited (a writer that does not take ${HOSTS_LOCK}?)`
          )
        }
        try {
          renameSync(temp, HOSTS_PATH)
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code
          if (code !== 'EBUSY' && code !== 'EXDEV') throw error
          writeFileSync(HOSTS_PATH, after)
        }
        return
      } finally {
        rmSync(temp, { force: true })
      }
    }
  })
}

function addHostsLine(line: string): void {
  editHosts(content => `${content}${content === '' || content.endsWith('\n') ? '' : '\n'}${line}\n`)
}

/** Removes the lines `matches` picks (whole lines, compared untrimmed). */
function removeHostsLines(matches: (line: string) => boolean): void {
  editHosts(content => {
    const lines = content.split('\n')
    const kept = lines.filter(line => !matches(line))
    return kept.length === lines.length ? content : kept.join('\n')
  })
}

// ---- leftovers and the exit safety net ----

/** Kills whatever still runs in the namespace (a registry that outlived a crashed test). */
function killNamespaceProcesses(netns: string): void {
  const result = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' })
  if (result.status !== 0) return
  for (const pid of result.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

function deleteNamespace(netns: string, veth?: string): void {
  killNamespaceProcesses(netns)
  // Deleting either end of a veth deletes the pair; the namespace's end also goes with the namespace.
  if (veth) ipIfPresent(['link', 'del', veth], /Cannot find device/)
  ipIfPresent(['netns', 'del', netns], /No such file or directory/)
}

/** Test hosts of processes that died without cleaning up (SIGKILL, a crashed worker): namespaces and /etc/hosts lines. */
function sweepLeftovers(): void {
  const listed = ip(['-j', 'netns', 'list']).trim()
  for (const { name } of (listed ? JSON.parse(listed) : []) as { name: string }[]) {
    const owner = NETNS_PATTERN.exec(name)
    if (owner && !isAlive(Number(owner[1]))) deleteNamespace(name)
  }
  const stale = (line: string): boolean => {
    const owner = new RegExp(`# ${HOSTS_TAG} netns=\\S+ pid=(\\d+)$`).exec(line)
    return owner !== null && !isAlive(Number(owner[1]))
  }
  if (readFileSync(HOSTS_PATH, 'utf8').split('\n').some(stale)) removeHostsLines(stale)
}

/** Sync, for the 'exit' handler: kill, delete, unlist. Each step runs even if an earlier one failed. */
interface Teardown {
  done: boolean
  run(): void
}

const live = new Set<Teardown>()
// After servers.ts's own exit action, which kills the registries (children of this process).
onExit(() => {
  for (const teardown of live) {
    try {
      teardown.run()
    } catch {
      // Nothing more to do on the way out; the next createTestHost sweeps what is left.
    }
  }
})

// ---- names alone ----

export interface HostsName {
  /** `<label>-<random>.sbr.test`, in /etc/hosts for `address`. */
  name: string
  /** Removes exactly its line (every other byte of the file stays). Safe to call more than once; also runs on exit. */
  remove(): void
}

/**
 * A name of the test's own in /etc/hosts for `address` (an address the test serves on: loopback,
 * docker0's, a test host's), as a runner's admin adds a LAN registry: the line is tagged with this
 * process's pid, so a crashed test's line is swept by the next createTestHost or addHostsName.
 */
export function addHostsName(address: string, label: string): HostsName {
  sweepLeftovers()
  const name = `${label}-${randomBytes(4).toString('hex')}.${DOMAIN}`
  const line = `${address}\t${name}\t# ${HOSTS_TAG} netns=none pid=${process.pid}`
  const teardown: Teardown = {
    done: false,
    run() {
      if (teardown.done) return
      teardown.done = true
      live.delete(teardown)
      removeHostsLines(candidate => candidate === line)
    }
  }
  live.add(teardown)
  addHostsLine(line)
  return { name, remove: () => teardown.run() }
}

// ---- addresses ----

function toNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0)
}

/** IPv4 ranges in use here: addresses' subnets and routes' destinations. */
function usedRanges(): [number, number][] {
  const ranges: [number, number][] = []
  const add = (address: string, prefix: number): void => {
    const size = 2 ** (32 - prefix)
    const start = Math.floor(toNumber(address) / size) * size
    ranges.push([start, start + size - 1])
  }
  for (const link of JSON.parse(ip(['-j', '-4', 'addr', 'show'])) as {
    addr_info?: { local: string; prefixlen: number }[]
  }[]) {
    for (const { local, prefixlen } of link.addr_info ?? []) add(local, prefixlen)
  }
  for (const { dst } of JSON.parse(ip(['-j', '-4', 'route', 'show'])) as { dst: string }[]) {
    if (dst === 'default') continue
    const [address, prefix] = dst.split('/')
    add(address, prefix === undefined ? 32 : Number(prefix))
  }
  return ranges
}

function slotIsFree(slot: number, used: [number, number][]): boolean {
  const start = toNumber(`${SUBNET}${slot * 4}`)
  const end = start + 3
  return used.every(([from, to]) => end < from || start > to)
}

// ---- dockerd ----

function run(command: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise(resolve => {
    execFile(command, args, { encoding: 'utf8', timeout: 20000 }, (error, _stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stderr: stderr || error?.message || ''
      })
    })
  })
}

/**
 * Polls until dockerd resolves `name` to `address`: a pull from port 1 there, where nothing
 * listens, fails with `dial tcp ADDRESS:1: connect: connection refused` once it does and with
 * `lookup NAME on ...: no such host` before. Nothing is pulled and no credentials are stored.
 * dockerd (Go's own resolver) re-reads /etc/hosts at most every 5 s: this returns at once if it
 * looked nothing up in the last 5 s, else after up to about 5 s.
 */
async function waitForDockerd(name: string, address: string): Promise<void> {
  const deadline = Date.now() + 15000
  for (;;) {
    const { stderr } = await run('docker', ['pull', `${name}:1/sbr/resolve-probe:0`])
    if (stderr.includes(`${address}:1`)) return
    if (stderr.includes('ENOENT'))
      throw new Error(`docker is not installed; pass waitForDockerd: false to create a test host without it`)
    if (Date.now() > deadline)
      throw new Error(`dockerd does not resolve ${name} to ${address} after 15 s: ${stderr.trim()}`)
    // Not faster: polled every 100 ms, dockerd took 7.5-8.5 s instead of about 5 to see the new line.
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

// ---- the host ----

/** A network namespace with an address and a name of its own; see the top of this file. */
export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  if (options.name !== undefined && !/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/.test(options.name)) {
    throw new Error(`createTestHost: name ${JSON.stringify(options.name)} is not a DNS label (a-z, 0-9, -)`)
  }
  sweepLeftovers()
  const random = randomBytes(4).toString('hex')
  const name = `${options.name ? `${options.name}-` : ''}${random}.${DOMAIN}`
  const netns = `sbr-${process.pid}-${random}`
  ip(['netns', 'add', netns])

  const state: { veth?: string; hostsLine?: string } = {}
  const teardown: Teardown = {
    done: false,
    run() {
      if (teardown.done) return
      teardown.done = true
      live.delete(teardown)
      const errors: unknown[] = []
      for (const step of [
        () => deleteNamespace(netns, state.veth),
        // Exactly the line added, nothing else.
        () => state.hostsLine !== undefined && removeHostsLines(line => line === state.hostsLine)
      ]) {
        try {
          step()
        } catch (error) {
          errors.push(error)
        }
      }
      if (errors.length)
        throw new AggregateError(errors, `destroying test host ${name} (${netns}): ${errors.map(String).join('; ')}`)
    }
  }
  live.add(teardown)

  try {
    // The veth's name claims the slot: `ip link add` fails if another process (or a leftover) has it.
    // The address check keeps clear of subnets someone else uses here.
    const used = usedRanges()
    const first = randomBytes(1)[0] % SLOTS
    let slot: number | undefined
    for (let i = 0; i < SLOTS && slot === undefined; i++) {
      const candidate = (first + i) % SLOTS
      if (!slotIsFree(candidate, used)) continue
      const veth = `sbr${candidate}h`
      const result = spawnSync('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns], {
        encoding: 'utf8'
      })
      if (result.status === 0) {
        slot = candidate
        state.veth = veth
      } else if (!/File exists/.test(result.stderr)) {
        throw new Error(`ip link add ${veth} failed: ${result.stderr.trim()}`)
      }
    }
    if (slot === undefined || state.veth === undefined) throw new Error(`no free /30 left in ${SUBNET}0/24`)
    const rootAddress = `${SUBNET}${slot * 4 + 1}`
    const address = `${SUBNET}${slot * 4 + 2}`
    ip(['addr', 'add', `${rootAddress}/30`, 'dev', state.veth])
    ip(['link', 'set', state.veth, 'up'])
    ip(['-n', netns, 'addr', 'add', `${address}/30`, 'dev', 'eth0'])
    ip(['-n', netns, 'link', 'set', 'eth0', 'up'])
    ip(['-n', netns, 'link', 'set', 'lo', 'up'])
    // Answers to anyone routed here, e.g. containers on a docker network (their traffic is NATed anyway).
    ip(['-n', netns, 'route', 'add', 'default', 'via', rootAddress])

    state.hostsLine = `${address}\t${name}\t# ${HOSTS_TAG} netns=${netns} pid=${process.pid}`
    addHostsLine(state.hostsLine)
    if (options.waitForDockerd ?? true) await waitForDockerd(name, address)

    const registries = new Set<RunningServer>()
    const veth = state.veth
    return {
      name,
      address,
      rootAddress,
      netns,
      veth,
      async startRegistry(registryOptions = {}) {
        if (teardown.done) throw new Error(`test host ${name} is destroyed`)
        const registry = await startRegistry({ ...registryOptions, address, netns })
        const running: RunningServer = {
          port: registry.port,
          host: `${name}:${registry.port}`,
          output: registry.output,
          stop: () => {
            registries.delete(running)
            return registry.stop()
          }
        }
        registries.add(running)
        return running
      },
      async destroy() {
        await Promise.all([...registries].map(registry => registry.stop()))
        teardown.run()
      }
    }
  } catch (error) {
    try {
      teardown.run()
    } catch {
      // The first error says more.
    }
    throw error
  }
}

// ---- images ----

/**
 * A tiny local image (one layer: a tar of one small file, via `docker import`) tagged `tag`, for
 * pushes; no registry is needed to make it. Each call makes a new image (its own content and id).
 */
export function makeTinyImage(tag: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-tiny-image-'))
  try {
    writeFileSync(join(dir, 'hello.txt'), `setup-buildkit-registry test image ${randomBytes(8).toString('hex')}\n`)
    execFileSync('tar', ['-C', dir, '-cf', join(dir, 'layer.tar'), 'hello.txt'], { stdio: 'pipe' })
    execFileSync('docker', ['import', join(dir, 'layer.tar'), tag], { stdio: 'pipe' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `docker rmi tag`; an image that is already gone is fine. */
export function removeImage(tag: string): void {
  const result = spawnSync('docker', ['rmi', tag], { encoding: 'utf8' })
  if (result.status !== 0 && !/No such image/i.test(result.stderr)) {
    throw new Error(`docker rmi ${tag} failed: ${(result.stderr || result.error?.message || '').trim()}`)
  }
}
