import { driverCapabilities, type Driver } from '../driver.js'
import { isLoopback, type PlannedRegistry, type ProxyEnv } from '../model.js'
import { parseProxy, PROXY_URL_VARIABLES, PROXY_VARIABLES, redactedProxy } from '../proxy.js'

/** What the builder gets of the runner's proxy settings. */
export interface BuilderProxy {
  /** `env.NAME=VALUE` driver options, added to those of the first node and of each appended one. */
  driverOpts: string[]
  /** The proxy variables BuildKit will have: the runner's it is given, and the user's `env.*` ones. */
  builderEnv: ProxyEnv
  /** Proxies the builder reaches on this machine's loopback, shown without credentials (`VAR=URL`). */
  loopback: string[]
  /** For the log: which variables were passed, which the user set, or why none were. */
  notes: string[]
}

/** `HTTPS_PROXY` and `https_proxy` are one setting to Go (upper case wins): the user's either case replaces both. */
const family = (name: string): string => name.toUpperCase()

/** The `env.NAME=VALUE` driver options among `driverOpts`: the variables the user gives BuildKit, by name. */
export function driverOptEnv(driverOpts: string[]): Record<string, string> {
  const set: Record<string, string> = {}
  for (const opt of driverOpts) {
    // A value with commas comes quoted as a whole CSV field: `"env.NO_PROXY=a,b"`.
    const quoted = /^"(.*)"$/s.exec(opt)
    const field = quoted ? quoted[1].replace(/""/g, '"') : opt
    const match = /^env\.([^=]+)=(.*)$/s.exec(field)
    if (match) set[match[1]] = match[2]
  }
  return set
}

/** The user's `env.NAME=VALUE` options for proxy variables, by name. */
function userProxyEnv(driverOpts: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(driverOptEnv(driverOpts)).filter(([name]) => (PROXY_VARIABLES as readonly string[]).includes(name))
  )
}

/** The variable families the user's proxy variables set, either case. */
function familiesOf(userEnv: Record<string, string>): Set<string> {
  return new Set(Object.keys(userEnv).map(family))
}

/**
 * The runner's proxy variables for a builder whose node options are `driverOpts`: each one the
 * user did not set in either case, as `env.NAME=VALUE`. Pure.
 */
export function proxyDriverOpts(driver: Driver, driverOpts: string[], runnerEnv: ProxyEnv): string[] {
  if (!driverCapabilities(driver).envOpts) return []
  const userSet = familiesOf(userProxyEnv(driverOpts))
  return PROXY_VARIABLES.filter(name => runnerEnv[name] !== undefined && !userSet.has(family(name))).map(name =>
    csvField(`env.${name}=${runnerEnv[name]}`)
  )
}

/**
 * buildx reads each `--driver-opt` as a CSV record (builder.go csvToMap): a NO_PROXY list's commas
 * would split it into options of their own, so such a value goes quoted, as one field.
 */
function csvField(opt: string): string {
  return /[,"\r\n]/.test(opt) || opt !== opt.trim() ? `"${opt.replace(/"/g, '""')}"` : opt
}

/** What the builder's first node gets, and the log's account of it. Pure. */
export function planBuilderProxy(driver: Driver, driverOpts: string[], runnerEnv: ProxyEnv): BuilderProxy {
  const { envOpts, proxyHint } = driverCapabilities(driver)
  const user = userProxyEnv(driverOpts)
  const runnerNames = PROXY_VARIABLES.filter(name => runnerEnv[name] !== undefined)
  const opts = proxyDriverOpts(driver, driverOpts, runnerEnv)
  const passed = opts.map(opt => /^"?env\.([^=]+)=/.exec(opt)?.[1] ?? opt)
  const notes: string[] = []
  const userNames = Object.keys(user)
  const userSet = `${userNames.map(name => `env.${name}`).join(', ')} as set in \`driver-opts\``
  if (envOpts) {
    if (passed.length > 0)
      notes.push(
        `Proxy: the builder gets the runner's ${passed.join(', ')} (--driver-opt env.NAME=…)` +
          (userNames.length > 0 ? `; ${userSet}` : '')
      )
    else if (userNames.length > 0)
      notes.push(
        `Proxy: the builder gets ${userSet}` +
          (runnerNames.length > 0 ? `, not the runner's ${runnerNames.join(', ')}` : '')
      )
  } else if (runnerNames.length > 0 && userNames.length === 0) {
    notes.push(
      `Proxy: the runner has ${runnerNames.join(', ')}, which the ${driver} driver's BuildKit does not get ` +
        `from this action${proxyHint ? ` (${proxyHint})` : ''}`
    )
  }

  // What BuildKit's process will see: the runner's variables given to it, and the user's own.
  const builderEnv: Record<string, string> = { ...user }
  const userFamilies = familiesOf(user)
  const given = envOpts ? passed : runnerNames.filter(name => !userFamilies.has(family(name)))
  for (const name of given) builderEnv[name] = runnerEnv[name]
  const loopback = envOpts ? loopbackProxies(builderEnv) : []
  return { driverOpts: opts, builderEnv, loopback, notes }
}

/** The proxies in `env` that are this machine's loopback (`127.x`, `localhost`, `::1`), shown without credentials. */
function loopbackProxies(env: ProxyEnv): string[] {
  return PROXY_URL_VARIABLES.flatMap(name => {
    const url = env[name] === undefined ? undefined : parseProxy(env[name])
    if (!url) return []
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
    return isLoopback({ text: url.host, hostname }) ? [`${name}=${redactedProxy(url)}`] : []
  })
}

/**
 * The registries with the proxies a push (the builder's) and a token fetch (the runner's) take,
 * which preflight goes through too; the same registries when there are none. Pure.
 */
export function withProxyRoute(
  registries: PlannedRegistry[],
  proxy: BuilderProxy,
  runnerEnv: ProxyEnv
): PlannedRegistry[] {
  if (Object.keys(proxy.builderEnv).length + Object.keys(runnerEnv).length === 0) return registries
  return registries.map(registry => ({ ...registry, proxyEnv: { builder: proxy.builderEnv, runner: runnerEnv } }))
}
