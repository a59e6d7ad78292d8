import { isIP } from 'node:net'

// Go's net package, as far as its proxy rules (proxy.ts) use it: host:port splitting and joining,
// IP parsing to 16 bytes, CIDRs. Pure; split from proxy.ts, whose port of httpproxy calls these.
//
// Portions Copyright 2009 The Go Authors. All rights reserved. Use of this source code is governed
// by a BSD-style license, the same as golang.org/x/net's, whose text is in THIRD_PARTY_NOTICES.md.
// Changed by setup-buildkit-registry authors: translated from Go to TypeScript.

/** An address as 16 bytes, IPv4 as ::ffff:a.b.c.d, as Go's net.IP does for comparisons. */
export type Ip = Uint8Array

/** net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':')
  if (i < 0) return undefined
  let host: string
  let j = 0
  let k = 0
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']')
    // The `]` must come right before the last `:`: else a `]` is missing, the port is, or a colon is one too many.
    if (end + 1 !== i) return undefined
    host = hostport.slice(1, end)
    j = 1
    k = end + 1
  } else {
    host = hostport.slice(0, i)
    if (host.includes(':')) return undefined
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined
  return { host, port: hostport.slice(i + 1) }
}

/** net.JoinHostPort: an IPv6 host in brackets. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** net.ParseIP (netip.ParseAddr for hosts: a zone, as in fe80::1%eth0, is dropped for comparison). */
export function parseIp(text: string): Ip | undefined {
  const address = text.replace(/%.*$/, '')
  const family = isIP(address)
  if (family === 4) return mapV4(address.split('.').map(Number))
  if (family !== 6) return undefined
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined]
  const groups = (part: string): number[] => {
    if (part === '') return []
    const pieces = part.split(':')
    const last = pieces[pieces.length - 1]
    const words = pieces.slice(0, last.includes('.') ? -1 : undefined).map(piece => parseInt(piece, 16))
    if (last.includes('.')) {
      const [a, b, c, d] = last.split('.').map(Number)
      words.push((a << 8) | b, (c << 8) | d)
    }
    return words
  }
  const front = groups(head)
  const back = tail === undefined ? [] : groups(tail)
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back]
  const bytes = new Uint8Array(16)
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8
    bytes[index * 2 + 1] = word & 0xff
  })
  return bytes
}

function mapV4(octets: number[]): Ip {
  return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...octets])
}

/** net.IP.To4 succeeds: an IPv4 address, or one mapped into IPv6. */
function isV4(ip: Ip): boolean {
  return ip.slice(0, 10).every(byte => byte === 0) && ip[10] === 0xff && ip[11] === 0xff
}

export function isLoopbackIp(ip: Ip): boolean {
  if (isV4(ip)) return ip[12] === 127
  return ip.slice(0, 15).every(byte => byte === 0) && ip[15] === 1
}

export function sameIp(a: Ip, b: Ip): boolean {
  return a.every((byte, index) => byte === b[index])
}

export interface Cidr {
  network: Ip
  /** Prefix length over the 16-byte form (an IPv4 /n is 96 + n). */
  bits: number
}

/** net.ParseCIDR: `address/bits`, the network masked. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined
  const address = text.slice(0, slash)
  if (address.includes('%')) return undefined
  const ip = parseIp(address)
  const digits = text.slice(slash + 1)
  if (!ip || !/^[0-9]+$/.test(digits)) return undefined
  const v4Syntax = isIP(address) === 4
  const prefix = Number(digits)
  if (prefix > (v4Syntax ? 32 : 128)) return undefined
  const bits = v4Syntax ? 96 + prefix : prefix
  return { network: masked(ip, bits), bits }
}

function masked(ip: Ip, bits: number): Ip {
  return ip.map((byte, index) => {
    const keep = Math.max(0, Math.min(8, bits - index * 8))
    return byte & ((0xff << (8 - keep)) & 0xff)
  })
}

/** IPNet.Contains: an IPv4 network holds only IPv4 addresses, an IPv6 one only IPv6 ones. */
export function cidrContains(cidr: Cidr, ip: Ip): boolean {
  if (isV4(cidr.network) !== isV4(ip)) return false
  return sameIp(masked(ip, cidr.bits), cidr.network)
}
