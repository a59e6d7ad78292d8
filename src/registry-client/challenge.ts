/** A registry's `WWW-Authenticate` challenge: how it wants a client to authenticate. */
export interface Challenge {
  scheme: 'bearer' | 'basic' | 'other'
  /** Bearer: the token endpoint's URL. */
  realm?: string
  service?: string
}

/**
 * Parses the first challenge of a `WWW-Authenticate` header (`Bearer realm="…",service="…"`
 * or `Basic realm="…"`). Parameter values may be quoted, with backslash escapes. Pure.
 */
export function parseChallenge(header: string): Challenge {
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header)
  const name = match?.[1].toLowerCase()
  const scheme = name === 'bearer' || name === 'basic' ? name : 'other'
  const params: Record<string, string> = {}
  const param = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy
  const rest = match?.[2] ?? ''
  for (let found = param.exec(rest); found; found = param.exec(rest)) {
    params[found[1].toLowerCase()] = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3]
  }
  return { scheme, realm: params.realm, service: params.service }
}
