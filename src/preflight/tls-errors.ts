// What Node's TLS errors say, read in one place by both diagnoses (registry and token endpoint). Pure.

/**
 * Node's verification codes for a certificate no trusted CA signed (Go: "x509: certificate signed by unknown
 * authority").
 */
const UNKNOWN_AUTHORITY = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT'
]

/** True when `text` (a code, or `code message`) names an unknown authority. */
export function isUnknownAuthority(text: string): boolean {
  return UNKNOWN_AUTHORITY.some(code => new RegExp(`\\b${code}\\b`).test(text))
}

/**
 * The alerts a TLS server sends for a missing or untrusted client certificate: Go's server sends
 * `certificate required` (TLS 1.3) or `bad certificate`, OpenSSL-based ones `unknown ca` or
 * `certificate unknown`. Node names them in the code (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)
 * or only in the message.
 */
const CLIENT_CERT_ALERT = new RegExp(
  [
    'CERTIFICATE_REQUIRED|certificate required|BAD_CERTIFICATE|bad certificate',
    'UNKNOWN_CA|unknown ca|CERTIFICATE_UNKNOWN|certificate unknown'
  ].join('|'),
  'i'
)

/** True when `text` (`code message`) is a TLS alert about the client certificate. */
export function isClientCertAlert(text: string): boolean {
  return CLIENT_CERT_ALERT.test(text)
}

/** A failure of the TLS handshake or of verification, rather than of the connection. */
const TLS_FAILURE = /CERT|SELF_SIGNED|VERIFY|ALTNAME|ERR_SSL|ERR_TLS|alert|handshake/i

export function isTlsFailure(text: string): boolean {
  return TLS_FAILURE.test(text)
}
