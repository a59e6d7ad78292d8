import type { TomlTable } from 'smol-toml'
import { assign, isTable, show, type Finding } from './config-wording.js'

// A docker-container builder is reached by buildx through a unix socket in its container
// (DOCKER_CONTAINER_SOCKET): a `grpc.address` that drops it makes a builder that never boots.

/** A listen list the builder's buildx can still reach: one with a unix socket, or the default. */
export function checkBuilderSocket(table: TomlTable, socket: string, errors: Finding[]): void {
  const grpc = table.grpc
  if (!isTable(grpc) || grpc.address === undefined) return
  const { address } = grpc
  const listed = Array.isArray(address) ? address : [address]
  if (!listed.every(entry => typeof entry === 'string')) return
  const wanted = [socket, ...(listed as string[]).filter(entry => entry !== socket)]
  const fix =
    `write ${assign('address', wanted)} (the socket buildx reaches the builder through, then yours), or ` +
    'remove [grpc]: buildx needs no TCP listener in its container'
  const typeError = errors.find(error => show(error.path) === 'grpc.address')
  if (typeError) {
    typeError.fix = fix
    return
  }
  if (listed.some(entry => (entry as string).startsWith('unix://'))) return
  errors.push({
    path: ['grpc', 'address'],
    problem:
      `grpc.address lists no unix socket: buildkitd then stops listening on ${socket}, where buildx's ` +
      'docker-container driver reaches it, and the builder never boots',
    fix
  })
}
