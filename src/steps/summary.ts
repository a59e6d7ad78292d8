import * as core from '@actions/core'
import type { Plan } from '../plan/plan.js'
import type { PreflightResult } from '../preflight/preflight.js'

/**
 * The job summary: one row per registry and mirror, with what was written for
 * it and what preflight found, so the run page shows the setup at a glance.
 */
export async function writeSummary(plan: Plan, builderName: string, results: PreflightResult[] | undefined, notes: string[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const byHost = new Map(results?.map(result => [result.host, result]))
  const rows = plan.registries.map(registry => {
    const result = byHost.get(registry.host.text)
    const verdict = !result ? 'not checked (`preflight: off`)' : `${result.ok ? '✅' : '❌'} ${result.message}`
    // An empty cell would come out as a bare <td> from core.summary: show a dash instead.
    return [registry.host.text, registry.mode, registry.written.join(', '), verdict, result?.fix || '—'].map(toHtml)
  })
  const summary = core.summary.addHeading(`BuildKit builder ${builderName}`, 3)
  if (rows.length > 0) {
    summary.addTable([[{ data: 'registry', header: true }, { data: 'mode', header: true }, { data: 'written', header: true }, { data: 'preflight', header: true }, { data: 'fix', header: true }], ...rows])
  } else {
    summary.addRaw('No registries or mirrors configured.', true)
  }
  if (notes.length > 0) summary.addList(notes.map(toHtml))
  summary.addDetails('buildkitd.toml', `\n\n\`\`\`toml\n${plan.toml}\`\`\`\n\n`)
  await summary.write()
}

/** Table cells are HTML, where Markdown is not rendered: escape, and turn `code` into <code>. */
function toHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return escaped.replace(/`([^`]+)`/g, '<code>$1</code>')
}
