import { isClientCertAlert, isTlsFailure, isUnknownAuthority } from '../../src/preflight/tls-errors.js'

// One definition of what Node's TLS errors say, read by the registry's and the token endpoint's
// diagnoses alike (they had drifted: `certificate unknown` was missing from the token side).

describe('isClientCertAlert', () => {
  it.each([
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ssl3_read_bytes:tlsv13 alert certificate required'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'sslv3 alert certificate unknown'],
    ['ECONNRESET', 'Client network socket disconnected: alert certificate required']
  ])('%s is about the client certificate', (code, message) => {
    expect(isClientCertAlert(`${code} ${message}`)).toBe(true)
  })

  it.each([
    ['ERR_SSL_TLSV1_UNRECOGNIZED_NAME', 'tlsv1 unrecognized name'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'],
    ['ECONNRESET', 'socket hang up']
  ])('%s is not', (code, message) => {
    expect(isClientCertAlert(`${code} ${message}`)).toBe(false)
  })
})

describe('isUnknownAuthority', () => {
  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN self-signed certificate in certificate chain'
  ])('%s: no trusted CA signed it', text => {
    expect(isUnknownAuthority(text)).toBe(true)
  })

  it.each(['CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ECONNREFUSED', ''])('%s: something else', text => {
    expect(isUnknownAuthority(text)).toBe(false)
  })
})

describe('isTlsFailure', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT self-signed certificate', true],
    ['ERR_SSL_WRONG_VERSION_NUMBER wrong version number', true],
    ['ECONNRESET Client network socket disconnected before secure TLS connection was established', false],
    ['ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1', false],
    ['EPROXY the proxy answered CONNECT with 407', false]
  ])('%s: %s', (text, want) => {
    expect(isTlsFailure(text)).toBe(want)
  })
})
