import * as core from '@actions/core'
import { diagnose } from './diagnosis.js'
import type { Diagnosis } from './verdict.js'
import { isMirrorOnly, type PlannedRegistry, type PreflightMode, type TokenTrust } from '../model.js'
import { diagnoseAuth, type CredentialSource } from './auth-diagnosis.js'
import { parseChallenge } from '../registry-client/challenge.js'
import { neutralizeUntrustedLine } from '../untrusted-text.js'
import { probeAuth, preflightScope } from './auth-probe.js'
import { probeRegistry } from './probe.js'

export interface PreflightResult extends Diagnosis {
  host: string
  mode: PlannedRegistry['mode']
  /** The token endpoint a Bearer challenge named, as shown (neutralized: it came from the registry). */
  realm?: string
  /**
   * That realm as the registry sent it, and whether a token came from it: the daemon trusts its host
   * only then, and only when it parses as an input's host would (plan/daemon-trust.ts). Never shown
   * raw, and left out of the `preflight` output (preflightOutput).
   */
  tokenRealm?: TokenRealm
  ms: number
}

export interface TokenRealm {
  url: string
  fetched: boolean
}

/** A credential a build will log in with, and where it comes from (for messages). */
export interface LoginCredential extends CredentialSource {
  host: string
  password: string
}

/** What logging in needs: the credentials per host, and the trust token requests will have per host. */
export interface PreflightAuth {
  credentials: LoginCredential[]
  tokenTrust: Map<string, TokenTrust>
}

/**
 * Probes every registry and mirror at once, so the whole check costs about
 * one timeout however many registries hang; a registry that answers 401 is
 * then logged in to, as a build will. Logs nothing, so that it can run
 * while the builder boots: reportPreflight logs the results afterwards.
 */
export async function runPreflight(
  registries: PlannedRegistry[],
  timeoutSeconds: number,
  auth: PreflightAuth = { credentials: [], tokenTrust: new Map() }
): Promise<PreflightResult[]> {
  return Promise.all(
    registries.map(async registry => {
      const started = performance.now()
      const facts = await probeRegistry(registry, timeoutSeconds * 1000)
      const result = { host: registry.host.text, mode: registry.mode, ms: facts.ms }
      const verdict = shown(diagnose(registry, facts, timeoutSeconds))
      const header = facts.answer?.status === 401 ? facts.answer.wwwAuthenticate : undefined
      if (!verdict.ok || !header) return { ...result, ...verdict }
      const challenge = parseChallenge(header)
      if (challenge.scheme === 'other') return { ...result, ...verdict }
      const credential = auth.credentials.find(entry => entry.host.toLowerCase() === registry.host.text.toLowerCase())
      const tokenTrust = auth.tokenTrust.get(registry.host.text) ?? { fetchedBy: 'buildx', ca: '' }
      const authFacts = await probeAuth(
        {
          ...registry,
          challenge,
          credential,
          tokenTrust,
          scope: preflightScope(isMirrorOnly(registry))
        },
        started + timeoutSeconds * 1000
      )
      return {
        ...result,
        realm: challenge.realm === undefined ? undefined : neutralizeUntrustedLine(challenge.realm),
        tokenRealm:
          challenge.realm === undefined ? undefined : { url: challenge.realm, fetched: !!authFacts.tokenFetched },
        ...shown(diagnoseAuth(registry, authFacts, credential, tokenTrust, timeoutSeconds)),
        ms: Math.round(performance.now() - started)
      }
    })
  )
}

/**
 * A verdict as every place shows it (log, annotation, error, summary, output): its message and fix
 * quote what the registry, its certificate, a proxy or Node's errors said, so they are neutralized
 * here, where preflight's facts become text, rather than at each place that prints them.
 */
function shown<T extends Diagnosis>(verdict: T): T {
  return { ...verdict, message: neutralizeUntrustedLine(verdict.message), fix: neutralizeUntrustedLine(verdict.fix) }
}

/** The `preflight` output: the results as documented, without the raw realm kept for the daemon's trust. */
export function preflightOutput(results: PreflightResult[]): string {
  return JSON.stringify(results, (key, value: unknown) => (key === 'tokenRealm' ? undefined : value))
}

/** One line per registry, in a folded group of the log; `from`: where it looked, when not only from this step. */
export function reportPreflight(results: PreflightResult[], from?: string): void {
  core.startGroup(
    `Preflight: ${results.length} ${results.length === 1 ? 'registry' : 'registries'}${from ? ` (${from})` : ''}`
  )
  for (const result of results)
    core.info(`${result.ok ? 'ok  ' : 'FAIL'} ${describe(result)} (${result.mode}, ${result.ms} ms)`)
  core.endGroup()
}

/** Thrown in `preflight: error` mode, before anything is written or created. */
export class PreflightError extends Error {
  constructor(failures: PreflightResult[]) {
    const registries = `${failures.length} registr${failures.length === 1 ? 'y' : 'ies'}`
    const lines = failures.map(failure => `- ${describe(failure)}`)
    super(`Preflight found ${registries} that a build would fail on:\n${lines.join('\n')}`)
    this.name = 'PreflightError'
  }
}

/**
 * Annotates each failure (warn) or stops the step (error). A result that is ok but carries a fix (a
 * mirror asking for credentials it was not given) is a warning in either mode.
 */
export function enforcePreflight(results: PreflightResult[], mode: PreflightMode): void {
  const failures = results.filter(result => !result.ok)
  if (mode === 'error' && failures.length > 0) throw new PreflightError(failures)
  for (const result of results.filter(result => !result.ok || result.fix !== '')) {
    core.warning(describe(result), { title: `Registry preflight: ${result.host}` })
  }
}

/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result: PreflightResult): string {
  return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`
}
