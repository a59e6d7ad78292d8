// What a diagnosis says of a registry: the kinds of verdict, and the verdict itself. A leaf of
// preflight/ that each diagnosis (registry, proxy, login, the builder's side) builds on.

export type DiagnosisKind =
  | 'registry'
  | 'unreachable'
  | 'http-registry'
  | 'tls-registry'
  | 'unknown-authority'
  | 'wrong-name'
  | 'expired'
  | 'not-yet-valid'
  | 'client-cert-required'
  | 'client-cert-rejected'
  | 'unrecognized-name'
  | 'not-a-registry'
  | 'tls-failed'
  | 'proxy-unreachable'
  | 'proxy-refused'
  | 'proxy-unsupported'
  | AuthDiagnosisKind
  // From the builder's side (builder-diagnosis.ts): what this step reached, the builder does not.
  | 'builder-unresolved'
  | 'builder-unreachable'

/** What logging in found (auth-diagnosis.ts). */
export type AuthDiagnosisKind =
  | 'token-granted'
  | 'credentials-accepted'
  | 'credentials-missing'
  | 'credentials-rejected'
  | 'token-unreachable'
  | 'token-untrusted'
  | 'token-client-cert'
  | 'token-refused'
  | 'token-failed'

export interface Diagnosis {
  /** False when a build through this registry would fail. */
  ok: boolean
  kind: DiagnosisKind
  /** What happened, in the words a user searches for. */
  message: string
  /** Which input to change, and how; '' when nothing needs fixing. */
  fix: string
}

/** A verdict that a build through the registry would fail, with the fix. */
export function failed(kind: DiagnosisKind, message: string, fix: string): Diagnosis {
  return { ok: false, kind, message, fix }
}

/** A verdict that a build through the registry would work; `fix`, when something is still worth changing. */
export function passed(kind: DiagnosisKind, message: string, fix = ''): Diagnosis {
  return { ok: true, kind, message, fix }
}
