import { join } from 'node:path'
import type { TomlTable } from 'smol-toml'
import type { AppendNode } from '../inputs/append.js'
import { driverCapabilities, type Driver } from '../driver.js'
import { InputError } from '../inputs/input-error.js'
import { PUBLIC_FILE_MODE, type CaCertScope, type PlannedFile } from '../model.js'
import { driverOptEnv } from '../topology/builder-proxy.js'

// `ca-cert-scope: all`: the CAs of `ca-cert` join the builder's system roots, so every TLS
// connection buildkitd makes trusts them (base images of registries nobody listed, `ADD https://`,
// frontend images), not only the `[registry."host"]` sections that name them.
//
// The mechanism, measured with buildx 0.13.1 and BuildKit v0.20.2 (Go 1.23), read in buildx v0.29.1:
// - Go's crypto/x509 on Linux loads the first readable default bundle FILE
//   (/etc/ssl/certs/ca-certificates.crt …, or SSL_CERT_FILE instead), THEN every file of the
//   default DIRECTORIES (/etc/ssl/certs, /etc/pki/tls/certs, or SSL_CERT_DIR instead, `:`-separated).
//   So SSL_CERT_DIR naming a directory that holds only our CA, followed by Go's two default
//   directories, adds the CA to whatever roots the BuildKit image has, with no bundle to build and
//   no need to know the image. (SSL_CERT_FILE would replace the image's bundle: we would have to
//   read the image's roots first, and a user's image with its own roots would lose them.)
// - buildx carries into a docker-container builder only the files buildkitd.toml names as a
//   registry's `ca` / `keypair`: each is copied to /etc/buildkit/certs/<registry>/<basename>
//   (util/confutil/container.go LoadConfigFiles, the same at v0.13.1 and v0.29.1; `<registry>` with
//   every character but [a-zA-Z0-9.-] made `_`). The carrier is a section of its own, for a name
//   under `.invalid` (RFC 6761: never resolves, so BuildKit never uses the section for a pull):
//   its directory then holds exactly the `ca-cert` CAs. A docker.io section would do as a carrier
//   too, but its directory would also hold a docker.io CA or a client certificate the user
//   gives docker.io, and they would silently become roots for everything.
// - The variable reaches buildkitd as an `env.SSL_CERT_DIR=…` driver option of every node.
// Not covered: git contexts over https (BuildKit runs git with a fixed environment,
// util/gitutil/git_cli.go: PATH, GIT_*, HOME=/dev/null, LC_ALL and the proxy variables only).

/** The registry section whose `ca` carries the CAs into the builder. */
export const CA_SCOPE_CARRIER = 'ca-cert-scope.invalid'

/** Where buildx copies the carrier's `ca` in the BuildKit container. */
export const CONTAINER_CA_DIR = `/etc/buildkit/certs/${CA_SCOPE_CARRIER}`

/** Go's default certificate directories on Linux (crypto/x509 root_linux.go), which SSL_CERT_DIR replaces. */
const GO_CERT_DIRECTORIES = ['/etc/ssl/certs', '/etc/pki/tls/certs']

/** The driver option that makes buildkitd read the carrier's directory besides the image's own roots. */
export const SSL_CERT_DIR_OPT = `env.SSL_CERT_DIR=${[CONTAINER_CA_DIR, ...GO_CERT_DIRECTORIES].join(':')}`

/** What `ca-cert-scope: all` adds to the plan. */
export interface CaScopePlan {
  /** The CA file on the runner that the carrier's `ca` names. */
  file: PlannedFile
  /** The carrier's section, under [registry]. */
  section: TomlTable
  /** Every node's extra driver option. */
  driverOpt: string
  notes: string[]
}

/**
 * What `ca-cert-scope` adds to the plan: undefined for `registries`. Pure; an InputError for a
 * driver whose builder we cannot give the roots, or a node that sets SSL_CERT_DIR itself.
 * `dir`: the job directory (the CA file goes in a directory of its own there).
 */
export function planCaScope(
  scope: CaCertScope,
  caCert: string | undefined,
  driver: Driver,
  driverOpts: string[],
  append: AppendNode[],
  dir: string
): CaScopePlan | undefined {
  // readInputs refuses `all` without `ca-cert`.
  if (scope === 'registries' || !caCert) return undefined
  // A driver the action gives no `env.` options has the reason it cannot apply in the table.
  const refusal = driverCapabilities(driver).caScopeRefusal
  if (refusal) throw new InputError('ca-cert-scope', refusal.problem, refusal.fix)
  const notes: string[] = []
  const nodes = [{ input: 'driver-opts', what: 'the first node', driverOpts }].concat(
    append.map((node, index) => ({
      input: 'append',
      what: `node ${index + 1}${node.name ? ` (${node.name})` : ''}`,
      driverOpts: node.driverOpts
    }))
  )
  for (const node of nodes) {
    const env = driverOptEnv(node.driverOpts)
    // Go reads one SSL_CERT_DIR: ours and the user's cannot both be the builder's.
    if (env.SSL_CERT_DIR !== undefined)
      throw new InputError(
        node.input,
        `${node.what} sets env.SSL_CERT_DIR, which \`ca-cert-scope: all\` sets to give BuildKit the \`ca-cert\` CAs`,
        'put those certificates in `ca-cert` and drop env.SSL_CERT_DIR, or set `ca-cert-scope: registries`'
      )
    // Compatible: SSL_CERT_FILE replaces the image's bundle, SSL_CERT_DIR still adds ours to it.
    if (env.SSL_CERT_FILE !== undefined)
      notes.push(
        `ca-cert-scope: all: ${node.what} keeps its env.SSL_CERT_FILE (its roots replace the image's bundle); the ` +
          'ca-cert CAs are added to them'
      )
  }
  const path = join(dir, 'ca-cert-scope', 'ca.pem')
  notes.unshift(
    "ca-cert-scope: all: the ca-cert CAs join the builder's system roots " +
      `via ${SSL_CERT_DIR_OPT.replace(/^env\./, '')} ` +
      `(buildx copies [registry."${CA_SCOPE_CARRIER}"]'s ca there): base images of any registry, ADD https://, ` +
      'frontend images; not git contexts (BuildKit runs git with a fixed environment)'
  )
  return {
    file: { path, content: caCert, mode: PUBLIC_FILE_MODE },
    section: { ca: [path] },
    driverOpt: SSL_CERT_DIR_OPT,
    notes
  }
}
