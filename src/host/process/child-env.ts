// What a command the action runs gets of the step's environment. The runner hands the step things
// meant for it alone: its inputs (INPUT_*, the password and keys among them), in post what main
// saved (STATE_*), and the job's runtime tokens (the cache and artifact service's, the OIDC token
// request's). Every child inherits the environment, and whatever it starts in turn (buildx its
// drivers, sudo its command), so those stay with the step. What the tools need stays: PATH and
// HOME, DOCKER_* and BUILDX_* (which daemon, which config, which builder), the proxy variables,
// SSL_CERT_FILE, the runner's own variables (RUNNER_*, GITHUB_*, none of them a secret).

/** Given to the step alone, by name prefix: its inputs, and in post main's saved state. */
const STEP_ONLY_PREFIXES = ['INPUT_', 'STATE_']

/**
 * The runner's tokens for the step: buildx reads ACTIONS_RUNTIME_TOKEN and the cache URLs only for
 * `type=gha` caches in a build (never in create, inspect, rm or install, the commands run here), and
 * nothing here asks for an OIDC token.
 */
const STEP_ONLY_NAMES = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL'
])

/** True for a variable the runner meant for the step alone. */
export function isStepOnly(name: string): boolean {
  const upper = name.toUpperCase()
  return STEP_ONLY_PREFIXES.some(prefix => upper.startsWith(prefix)) || STEP_ONLY_NAMES.has(upper)
}

/** The environment of a child: the step's without what is the step's alone, plus `extra`. Pure. */
export function childEnvironment(env: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([name]) => !isStepOnly(name))
  return { ...Object.fromEntries(kept), ...extra }
}
