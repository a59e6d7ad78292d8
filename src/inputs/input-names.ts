import * as core from '@actions/core'

// The names of action.yml's inputs, in one list. The readers take an input only through the
// functions below, typed by this list, so a misspelled or undeclared name does not compile; a test
// (__tests__/docs/names-agree.test.ts) holds the list to action.yml and to the README's inputs table.

/** Every input action.yml declares, in its order. */
export const INPUT_NAMES = [
  'registries',
  'ca-cert',
  'ca-cert-scope',
  'client-cert',
  'client-key',
  'mirror',
  'max-parallelism',
  'gc-max-used-space',
  'gc-reserved-space',
  'gc-min-free-space',
  'gc-keep-duration',
  'debug',
  'buildkitd-config',
  'buildkitd-config-inline',
  'name',
  'driver',
  'driver-opts',
  'buildkitd-flags',
  'endpoint',
  'platforms',
  'append',
  'keep-state',
  'use',
  'bootstrap',
  'replace',
  'cleanup',
  'reclaim',
  'preflight',
  'buildx-version',
  'version',
  'cache-binary',
  'config',
  'config-inline',
  'install',
  'endpoint-ca-cert',
  'endpoint-client-cert',
  'endpoint-client-key',
  'install-config',
  'import-docker-trust',
  'trust-docker-daemon',
  'username',
  'password',
  'credentials',
  'preflight-timeout'
] as const

export type InputName = (typeof INPUT_NAMES)[number]

/** An input's value, as core.getInput reads it (trimmed unless told otherwise). */
export function getInput(name: InputName, options?: core.InputOptions): string {
  return core.getInput(name, options)
}

/** A list input's lines, as core.getMultilineInput reads them. */
export function getMultilineInput(name: InputName): string[] {
  return core.getMultilineInput(name)
}
