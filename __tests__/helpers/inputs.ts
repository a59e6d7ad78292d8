/**
 * Sets the INPUT_* variables the runner would set for a step's `with:` map (name upper-cased,
 * hyphens kept), and only those: inputs an earlier test set are gone.
 */
export function withInputs(values: Record<string, string>): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  for (const [name, value] of Object.entries(values)) process.env[`INPUT_${name.toUpperCase()}`] = value
}
