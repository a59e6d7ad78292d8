import * as core from '@actions/core'
import { EOL } from 'node:os'
import type { Plan } from '../plan/plan.js'
import type { PreflightResult } from '../preflight/preflight.js'
import { neutralizeUntrustedHtml } from '../untrusted-text.js'
import type { Reclaimed } from './reclaim-items.js'

/**
 * The job summary: one row per registry and mirror, with what was written for
 * it and what preflight found, so the run page shows the setup at a glance.
 * Our own HTML rather than the summary builder's table: its cells are not escaped, and ours
 * carry `code`. Nothing outside a runner (no GITHUB_STEP_SUMMARY), where core.summary would throw.
 */
export async function writeSummary(
  plan: Plan,
  results: PreflightResult[] | undefined,
  notes: string[],
  reclaimed: Reclaimed[] = []
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const byHost = new Map(results?.map(result => [result.host, result]))
  const rows = plan.registries.map(registry => {
    const result = byHost.get(registry.host.text)
    const verdict = !result ? 'not checked (`preflight: off`)' : `${result.ok ? '✅' : '❌'} ${result.message}`
    // An empty cell would come out as a bare <td>: show a dash instead.
    return [registry.host.text, registry.mode, registry.written.join(', '), verdict, result?.fix || '—'].map(toHtml)
  })
  const parts = [`<h3>BuildKit builder ${plan.builderName}</h3>`]
  if (rows.length > 0) parts.push(table(['registry', 'mode', 'written', 'preflight', 'fix'], rows))
  else parts.push('No registries or mirrors configured.')
  if (reclaimed.length > 0) {
    const reclaimedRows = reclaimed.map(item => [item.what, item.job || '—', item.why].map(toHtml))
    parts.push('<p>Reclaimed from earlier jobs that ended without their post step:</p>')
    parts.push(table(['reclaimed', 'left by', 'why that job is gone'], reclaimedRows))
  }
  if (notes.length > 0) parts.push(`<ul>${notes.map(note => `<li>${toHtml(note)}</li>`).join('')}</ul>`)
  parts.push(`<details><summary>buildkitd.toml</summary>\n\n\`\`\`toml\n${plan.toml}\`\`\`\n\n</details>`)
  await core.summary.addRaw(parts.map(part => part + EOL).join('')).write()
}

/** An HTML table of cells already made HTML. */
function table(header: string[], rows: string[][]): string {
  const head = header.map(name => `<th>${name}</th>`).join('')
  const body = rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('')
  return `<table><tr>${head}</tr>${body}</table>`
}

/**
 * Table cells are HTML, where Markdown is not rendered: escaped, and `code` turned into <code>.
 * Every cell and note goes through the untrusted form: verdicts and notes quote registries, realms
 * and the daemon, and one line break too many would end the HTML block and render Markdown.
 */
function toHtml(text: string): string {
  return neutralizeUntrustedHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}
