/** The local Docker daemon's socket, where the docker CLI's default context points. */
const DOCKER_SOCKET = '/var/run/docker.sock'

/**
 * True when `docker` talks to the local daemon through its default socket:
 * no DOCKER_HOST or DOCKER_CONTEXT, no other context chosen in the client
 * config. Only then is a request to the socket what the CLI would do.
 */
export function usesLocalDaemon(env: NodeJS.ProcessEnv, clientConfig: string | undefined): boolean {
  if (env.DOCKER_HOST || env.DOCKER_CONTEXT) return false
  if (clientConfig === undefined) return true
  try {
    const context = (JSON.parse(clientConfig) as { currentContext?: string }).currentContext
    return context === undefined || context === '' || context === 'default'
  } catch {
    return false
  }
}

/** A container's log (stdout and stderr, as the Engine API streams it); undefined on any failure. */
export async function containerLog(container: string, timeoutMs = 2000): Promise<string | undefined> {
  // Loaded here, not with the module: node:http costs the post step, which never asks, about 15 ms.
  const { request } = await import('node:http')
  return new Promise(resolve => {
    // agent: false, so no kept-alive socket holds the step open after its work.
    const req = request(
      {
        agent: false,
        socketPath: DOCKER_SOCKET,
        path: `/containers/${encodeURIComponent(container)}/logs?stdout=1&stderr=1`,
        timeout: timeoutMs
      },
      response => {
        if (response.statusCode !== 200) {
          response.resume()
          resolve(undefined)
          return
        }
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
        response.on('error', () => resolve(undefined))
      }
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
    req.end()
  })
}
