import {
  choosePlatform,
  classifyFailure,
  classifyPullMessage,
  isIndex,
  MANIFEST_LIST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  retryDelayMs,
  PULL_ATTEMPTS,
  type Descriptor
} from '../../src/registry-client/image-source.js'

const entry = (digest: string, os: string, architecture: string, variant?: string): Descriptor => ({
  digest,
  size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) }
})

// What moby/buildkit's index lists (and an attestation manifest, as BuildKit's releases carry).
const BUILDKIT_INDEX = [
  entry('amd64', 'linux', 'amd64'),
  entry('arm-v7', 'linux', 'arm', 'v7'),
  entry('arm-v6', 'linux', 'arm', 'v6'),
  entry('arm64', 'linux', 'arm64'),
  entry('s390x', 'linux', 's390x'),
  entry('attestation', 'unknown', 'unknown')
]

describe('choosePlatform', () => {
  it.each([
    [{ os: 'linux', architecture: 'amd64' }, 'amd64'],
    [{ os: 'linux', architecture: 'arm64' }, 'arm64'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'arm64'],
    [{ os: 'linux', architecture: 'arm' }, 'arm-v7'],
    [{ os: 'linux', architecture: 'arm', variant: 'v6' }, 'arm-v6'],
    [{ os: 'windows', architecture: 'amd64' }, undefined],
    [{ os: 'linux', architecture: 'riscv64' }, undefined]
  ])('%j gets %s', (platform, digest) => {
    expect(choosePlatform(BUILDKIT_INDEX, platform)?.digest).toBe(digest)
  })

  it('an arm64 entry written with v8 fits a daemon that says no variant', () => {
    expect(choosePlatform([entry('x', 'linux', 'arm64', 'v8')], { os: 'linux', architecture: 'arm64' })?.digest).toBe(
      'x'
    )
  })
})

describe('isIndex', () => {
  it('by media type, by content type, or by shape', () => {
    expect(isIndex({ mediaType: MANIFEST_LIST })).toBe(true)
    expect(isIndex({}, `${OCI_INDEX}; charset=utf-8`)).toBe(true)
    expect(isIndex({ manifests: [] })).toBe(true)
    expect(isIndex({ mediaType: DOCKER_MANIFEST, layers: [] })).toBe(false)
    expect(isIndex({ layers: [] }, DOCKER_MANIFEST)).toBe(false)
  })
})

describe('classifyFailure: what is worth another try', () => {
  it.each([
    [{ status: 500 }, 'transient'],
    [{ status: 502 }, 'transient'],
    [{ status: 503 }, 'transient'],
    [{ status: 504 }, 'transient'],
    [{ status: 408 }, 'transient'],
    [{ status: 429 }, 'rate-limit'],
    [{ status: 401 }, 'fatal'],
    [{ status: 403 }, 'fatal'],
    [{ status: 404 }, 'fatal'],
    [{ code: 'ECONNRESET' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'EPIPE' }, 'transient'],
    [{ code: 'EAI_AGAIN' }, 'transient'],
    [{ code: 'ECONNREFUSED' }, 'fatal'],
    [{ code: 'ENOTFOUND' }, 'fatal'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'fatal'],
    [{}, 'fatal']
  ])('%j is %s', (failure, kind) => {
    expect(classifyFailure(failure)).toBe(kind)
  })
})

describe("classifyPullMessage: docker pull's own words", () => {
  it.each([
    [
      'Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      'rate-limit'
    ],
    ['Error response from daemon: received unexpected HTTP status: 503 Service Unavailable', 'transient'],
    ['Error response from daemon: received unexpected HTTP status: 502 Bad Gateway', 'transient'],
    [
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout',
      'transient'
    ],
    [
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": read tcp 10.0.0.2:1->1.2.3.4:443: read: connection reset by peer',
      'transient'
    ],
    [
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
      'fatal'
    ],
    [
      'Error response from daemon: manifest for moby/buildkit:nope not found: manifest unknown: manifest unknown',
      'fatal'
    ],
    [
      "Error response from daemon: pull access denied for nope/nope, repository does not exist or may require 'docker login'",
      'fatal'
    ]
  ])('%s', (text, kind) => {
    expect(classifyPullMessage(text)).toBe(kind)
  })
})

describe('retries', () => {
  it('wait 1, 2, 4 s between four attempts', () => {
    expect(PULL_ATTEMPTS).toBe(4)
    expect([1, 2, 3].map(retryDelayMs)).toEqual([1000, 2000, 4000])
  })
})
