import { CommandError, runCommand, tryCommand } from '../process/command.js'

// buildx does not carry the default context's TLS into a docker-container builder: with
// DOCKER_HOST=tcp://…:2376, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (a dind sidecar, as
// actions-runner-controller and GitLab's docker:dind set it up), `buildx create --bootstrap` fails
// with "Client sent an HTTP request to an HTTPS server". A context of its own, created from the
// default one, holds the TLS material in the context store, where buildx reads it. As
// docker/setup-buildx-action (src/main.ts: "Creating temp docker context (TLS data loaded in
// default one)"), which inspects the default context the same way.

interface ContextInspect {
  Endpoints?: Record<string, { TLSData?: unknown } | undefined>
  TLSMaterial?: Record<string, string[] | undefined>
}

/** Whether the default Docker context talks to its daemon with TLS data (its endpoint's TLSData or TLS material). */
export async function defaultContextHasTls(): Promise<boolean> {
  const result = await tryCommand('docker', ['context', 'inspect', '--format', '{{json .}}', 'default'])
  if (result.exitCode !== 0) return false
  const context = JSON.parse(result.stdout) as ContextInspect
  const endpoints = Object.values(context.Endpoints ?? {})
  const material = Object.values(context.TLSMaterial ?? {})
  return endpoints.some(endpoint => endpoint?.TLSData != null) || material.some(files => (files?.length ?? 0) > 0)
}

/** Creates context `name` from the current (default) one: its endpoint, TLS material included. */
export async function createContextFromDefault(name: string): Promise<void> {
  await runCommand('docker', ['context', 'create', name])
}

/** Removes context `name`; false when it was already gone. */
export async function removeContext(name: string): Promise<boolean> {
  const result = await tryCommand('docker', ['context', 'rm', '--force', name])
  if (result.exitCode === 0) return true
  if (/not found|does not exist/i.test(result.stderr)) return false
  throw new CommandError(`docker context rm --force ${name}`, result.exitCode, result.stderr)
}
