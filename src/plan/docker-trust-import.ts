import { InputError } from '../inputs/input-error.js'
import { parseHost } from '../inputs/hosts.js'
import type { ConfigInputs } from '../inputs/read-inputs.js'
import { MIRROR_PATH, type Mirror } from '../inputs/registries.js'
import type { ConfiguredEndpoint, DockerTrustFacts, HostAddress, NotImported, RegistryTarget } from '../model.js'

// `import-docker-trust`: the Docker daemon's trust (certs.d, insecure-registries, registry-mirrors)
// as registries of the builder's config, the inputs winning where both name a host. Pure.

/** A registry the daemon trusts, as the plan configures it. */
export interface ImportedEndpoint extends ConfiguredEndpoint {
  /** The daemon's settings it came from, for the log and preflight's messages. */
  daemonOrigin: string
  /** Only in registry-mirrors. */
  mirrorOnly: boolean
}

export interface DockerTrustImport {
  endpoints: ImportedEndpoint[]
  /** Docker Hub mirrors from registry-mirrors (none when the `mirror` input names Docker Hub's own). */
  hubMirrors: Mirror[]
  /** One line per imported registry: host → transport, CA, keypair, mirror. */
  imported: string[]
  notImported: NotImported[]
  notes: string[]
}

/** A daemon's setting is no input: its host is checked as an input's would be, and a bad one is not imported. */
const DAEMON_INPUT = 'import-docker-trust'

interface Draft extends RegistryTarget {
  origins: string[]
  mirrorOnly: boolean
}

/** Merges what the daemon trusts with the inputs: every host an input names keeps its input's settings. */
export function importDockerTrust(config: ConfigInputs, facts: DockerTrustFacts): DockerTrustImport {
  const found: Found = { notImported: [...facts.notImported], notes: [...facts.notes], drafts: new Map() }
  draftCertsD(found, facts)
  draftInsecure(found, facts)
  const hubMirrors = draftMirrors(found, config, facts)
  return { ...endpointsOf(found, config), hubMirrors, notImported: found.notImported, notes: found.notes }
}

/** What the daemon's settings yield so far: a draft per host, and what could not be imported, and why. */
interface Found {
  notImported: NotImported[]
  notes: string[]
  drafts: Map<string, Draft>
}

/** A host of the daemon's, checked as an input's would be; a bad one is not imported, with the reason. */
function parseDaemonHost(found: Found, text: string, what: string): HostAddress | undefined {
  try {
    return parseHost(text, DAEMON_INPUT, 0)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    found.notImported.push({ what, reason: `${error.problem}: not a registry address BuildKit takes` })
    return undefined
  }
}

/** Each certs.d directory: a TLS registry with its CAs and keypair. */
function draftCertsD(found: Found, facts: DockerTrustFacts): void {
  for (const entry of facts.certsD) {
    const host = parseDaemonHost(found, entry.host, entry.dir)
    if (host)
      found.drafts.set(key(host), {
        host,
        transport: 'tls',
        ca: entry.ca,
        keypair: entry.keypair,
        origins: [entry.dir],
        mirrorOnly: false
      })
  }
}

/** Each insecure-registries host, with the transport it answered on; it replaces a certs.d draft. */
function draftInsecure(found: Found, facts: DockerTrustFacts): void {
  for (const registry of facts.insecure) {
    const what = `${registry.host} in insecure-registries`
    if (!registry.transport) {
      const reason = registry.unreachable ?? 'it did not answer'
      found.notImported.push({ what, reason: `${reason}; list it in \`registries\` with \`http\` or \`insecure\`` })
      continue
    }
    const host = parseDaemonHost(found, registry.host, what)
    if (!host) continue
    const certsD = found.drafts.get(key(host))
    // moby reads certs.d only for a secure registry (registry.go newTLSConfig): so here.
    if (certsD)
      found.notImported.push({
        what: certsD.origins[0],
        reason: `${registry.host} is in insecure-registries, for which the daemon does not read certs.d`
      })
    found.drafts.set(key(host), {
      host,
      transport: registry.transport,
      ca: '',
      origins: ['insecure-registries'],
      mirrorOnly: false
    })
  }
}

/** registry-mirrors: Docker Hub's mirrors, unless the `mirror` input names Hub's own; each also a registry. */
function draftMirrors(found: Found, config: ConfigInputs, facts: DockerTrustFacts): Mirror[] {
  const hubLine = config.mirrors.find(line => line.upstream.text === 'docker.io')
  if (hubLine && facts.mirrors.length > 0) {
    found.notes.push(
      `import-docker-trust: line ${hubLine.line} of \`mirror\` names Docker Hub's mirrors, so the Docker daemon's ` +
        `registry-mirrors (${facts.mirrors.join(', ')}) are not added.`
    )
    return []
  }
  const hubMirrors: Mirror[] = []
  for (const url of facts.mirrors) {
    const mirror = parseMirrorUrl(url)
    if ('reason' in mirror) {
      found.notImported.push({ what: `${url} in registry-mirrors`, reason: mirror.reason })
      continue
    }
    const host = parseDaemonHost(found, mirror.authority, `${url} in registry-mirrors`)
    if (!host) continue
    hubMirrors.push({ host, path: mirror.path })
    const known = found.drafts.get(key(host))
    if (known) {
      known.origins.push('registry-mirrors')
      // The daemon reaches an http:// mirror over plain HTTP whatever else it knows of the host.
      if (mirror.http) known.transport = 'http'
    } else
      found.drafts.set(key(host), {
        host,
        transport: mirror.http ? 'http' : 'tls',
        ca: '',
        origins: ['registry-mirrors'],
        mirrorOnly: true
      })
  }
  return hubMirrors
}

/** The drafts no input names, as endpoints of the plan; a host an input names keeps the input's settings. */
function endpointsOf(found: Found, config: ConfigInputs): Pick<DockerTrustImport, 'endpoints' | 'imported'> {
  const listed = listedHosts(config)
  const endpoints: ImportedEndpoint[] = []
  const imported: string[] = []
  for (const draft of found.drafts.values()) {
    const input = listed.get(key(draft.host))
    if (input) {
      found.notes.push(
        `import-docker-trust: ${draft.host.text} is also in the Docker daemon's ${draft.origins.join(' and ')}; ` +
          `${input} wins.`
      )
      continue
    }
    const tls = draft.transport === 'tls'
    endpoints.push({
      host: draft.host,
      transport: draft.transport,
      ownCa: tls ? draft.ca : '',
      ownKeypair: tls ? draft.keypair : undefined,
      daemonOrigin: draft.origins.join(' and '),
      mirrorOnly: draft.mirrorOnly
    })
    imported.push(importedLine(draft))
  }
  return { endpoints, imported }
}

function key(host: HostAddress): string {
  return host.text.toLowerCase()
}

/** The hosts the inputs name, with where: they keep their input's settings. */
function listedHosts(config: ConfigInputs): Map<string, string> {
  const listed = new Map<string, string>()
  for (const registry of config.registries) listed.set(key(registry.host), `line ${registry.line} of \`registries\``)
  for (const line of config.mirrors)
    for (const mirror of line.mirrors)
      if (!listed.has(key(mirror.host))) listed.set(key(mirror.host), `line ${line.line} of \`mirror\``)
  return listed
}

function importedLine(draft: Draft): string {
  const transport = {
    tls: 'TLS',
    insecure: 'TLS without verification (insecure)',
    http: 'plain HTTP'
  }[draft.transport]
  const parts = [transport]
  if (draft.transport === 'tls' && draft.ca) parts.push('its CA')
  if (draft.transport === 'tls' && draft.keypair) parts.push('its client keypair')
  if (draft.origins.includes('registry-mirrors')) parts.push('a Docker Hub mirror')
  return `${draft.host.text} → ${parts.join(', ')} (from ${draft.origins.join(' and ')})`
}

/**
 * A registry-mirrors URL (moby's ValidateMirror keeps `http://` or `https://`, adds a trailing
 * `/`) as BuildKit's mirror entry: host[:port] and a path, if any. Pure.
 */
export function parseMirrorUrl(url: string): { authority: string; path: string; http: boolean } | { reason: string } {
  if (!URL.canParse(url)) return { reason: 'not a URL' }
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { reason: 'neither http:// nor https://' }
  const path = parsed.pathname.replace(/\/+$/, '')
  if (path !== '' && !MIRROR_PATH.test(path))
    return { reason: `its path ${path} is not one BuildKit's mirrors take (letters, digits, . _ -)` }
  return { authority: parsed.host, path, http: parsed.protocol === 'http:' }
}
