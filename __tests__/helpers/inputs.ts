import type { BuilderInputs } from '../../src/inputs/read-inputs.js'

/**
 * Sets the INPUT_* variables the runner would set for a step's `with:` map (name upper-cased,
 * hyphens kept), and only those: inputs an earlier test set are gone.
 */
export function withInputs(values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  for (const [name, value] of Object.entries(values)) process.env[`INPUT_${name.toUpperCase()}`] = value
}

/**
 * The builder stage of Inputs as readInputs returns it for a docker-container builder named
 * `builder-1` with every other input unset (but `buildkitd-flags`, empty here), and `overrides`.
 */
export function builderInputs(overrides: Partial<BuilderInputs> = {}): BuilderInputs {
  return {
    name: 'builder-1',
    driver: 'docker-container',
    driverOpts: [],
    buildkitdFlags: '',
    endpoint: '',
    use: true,
    bootstrap: true,
    cleanup: true,
    replace: true,
    buildxVersion: '',
    cacheBinary: true,
    platforms: [],
    appendYaml: '',
    keepState: false,
    installAlias: false,
    proxyEnv: {},
    ...overrides
  }
}
