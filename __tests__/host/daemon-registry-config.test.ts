import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  certsDirFiles,
  certsDirOutOfReach,
  parseRegistryConfig,
  readCertsDir,
  settingsFacts
} from '../../src/host/daemon-registry-config.js'
import type { JobContainer } from '../../src/topology/facts.js'

// `docker info --format '{{json .RegistryConfig}}'`, recorded from docker 20.10.24 (bookworm) with
// insecure-registries [NAME:20004, NAME:20005] and registry-mirrors [http://127.0.0.1:20003]
// (import-docker-trust.test.ts sets these), then with a range added as moby 20.10 lists it.
const DOCKER_20_10 =
  '{"IndexConfigs":{"docker.io":{"Mirrors":["http://127.0.0.1:20003/"],"Name":"docker.io","Official":true,"Secure":true},"import-40b9a444.sbr.test:20004":{"Mirrors":[],"Name":"import-40b9a444.sbr.test:20004","Official":false,"Secure":false},"import-40b9a444.sbr.test:20005":{"Mirrors":[],"Name":"import-40b9a444.sbr.test:20005","Official":false,"Secure":false}},"InsecureRegistryCIDRs":["127.0.0.0/8"],"Mirrors":["http://127.0.0.1:20003/"]}'
const DOCKER_20_10_RANGE = DOCKER_20_10.replace('["127.0.0.0/8"]', '["10.20.0.0/16","127.0.0.0/8"]')
// docker 28.5.2 (moby v28.5.2 api/types/registry ServiceConfig; registry/config.go adds ::1/128
// to the implicit ranges; the deprecated AllowNondistributableArtifacts* fields, null, for older
// API versions), same settings plus an https mirror with a path.
const DOCKER_28 =
  '{"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"IndexConfigs":{"docker.io":{"Mirrors":["http://mirror.lan:5000/","https://harbor.lan/dockerhub-proxy/"],"Name":"docker.io","Official":true,"Secure":true},"registry.lan:5000":{"Mirrors":[],"Name":"registry.lan:5000","Official":false,"Secure":false}},"InsecureRegistryCIDRs":["10.20.0.0/16","::1/128","127.0.0.0/8"],"Mirrors":["http://mirror.lan:5000/","https://harbor.lan/dockerhub-proxy/"]}'
// The same 20.10 CLI once answered in the struct's field order, with the deprecated
// AllowNondistributableArtifacts* fields as empty lists (recorded here too).
const DOCKER_20_10_STRUCT_ORDER =
  '{"AllowNondistributableArtifactsCIDRs":[],"AllowNondistributableArtifactsHostnames":[],"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":[]}'
// A daemon with nothing configured (docker 20.10 and the docker 28.5.2 CLI alike, recorded here).
const UNCONFIGURED =
  '{"IndexConfigs":{"docker.io":{"Mirrors":[],"Name":"docker.io","Official":true,"Secure":true}},"InsecureRegistryCIDRs":["127.0.0.0/8"],"Mirrors":[]}'

describe('parseRegistryConfig', () => {
  it('docker 20.10: insecure hosts, the implicit loopback range and the mirrors', () => {
    expect(parseRegistryConfig(DOCKER_20_10, ['name=seccomp,profile=default'])).toEqual({
      insecureHosts: ['import-40b9a444.sbr.test:20004', 'import-40b9a444.sbr.test:20005'],
      cidrs: [],
      implicitCidrs: ['127.0.0.0/8'],
      mirrors: ['http://127.0.0.1:20003/'],
      rootless: false
    })
    expect(parseRegistryConfig(DOCKER_20_10_RANGE)).toMatchObject({
      cidrs: ['10.20.0.0/16'],
      implicitCidrs: ['127.0.0.0/8']
    })
  })

  it('docker 28.x: the same fields, ::1/128 implicit too, deprecated fields ignored', () => {
    expect(parseRegistryConfig(DOCKER_28, ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'])).toEqual({
      insecureHosts: ['registry.lan:5000'],
      cidrs: ['10.20.0.0/16'],
      implicitCidrs: ['::1/128', '127.0.0.0/8'],
      mirrors: ['http://mirror.lan:5000/', 'https://harbor.lan/dockerhub-proxy/'],
      rootless: true
    })
  })

  it('a daemon with nothing configured has nothing to import', () => {
    expect(parseRegistryConfig(UNCONFIGURED)).toMatchObject({ insecureHosts: [], cidrs: [], mirrors: [] })
    expect(parseRegistryConfig(DOCKER_20_10_STRUCT_ORDER)).toMatchObject({
      insecureHosts: [],
      cidrs: [],
      implicitCidrs: ['127.0.0.0/8'],
      mirrors: []
    })
  })

  it('reads mirrors from IndexConfigs["docker.io"] when the top-level list is absent, and null lists as empty', () => {
    const json = JSON.stringify({
      IndexConfigs: { 'docker.io': { Mirrors: ['https://m.example/'], Secure: true } },
      InsecureRegistryCIDRs: null,
      Mirrors: null
    })
    expect(parseRegistryConfig(json)).toMatchObject({ mirrors: ['https://m.example/'], cidrs: [] })
  })
})

describe('settingsFacts', () => {
  it('a range is reported as not importable, the implicit loopback ranges only mentioned, once', () => {
    expect(settingsFacts(parseRegistryConfig(DOCKER_28))).toEqual({
      insecure: [{ host: 'registry.lan:5000' }],
      mirrors: ['http://mirror.lan:5000/', 'https://harbor.lan/dockerhub-proxy/'],
      notImported: [
        {
          what: '10.20.0.0/16 in insecure-registries',
          reason: expect.stringMatching(/^a range of addresses, not a registry/)
        }
      ],
      notes: [expect.stringMatching(/^The Docker daemon counts ::1\/128 and 127\.0\.0\.0\/8 as insecure on its own/)]
    })
  })
})

describe('certsDirFiles (moby registry.go loadTLSConfig)', () => {
  it('*.crt are CAs, *.cert with its *.key a keypair, other names ignored', () => {
    expect(certsDirFiles(['ca.crt', 'b.cert', 'b.key', 'a.cert', 'a.key', 'README', 'ca.pem'])).toEqual({
      cas: ['ca.crt'],
      keypairs: [
        { cert: 'a.cert', key: 'a.key' },
        { cert: 'b.cert', key: 'b.key' }
      ],
      errors: []
    })
  })

  it('a .cert without its .key, or a .key without its .cert, is the error the daemon gives', () => {
    expect(certsDirFiles(['client.cert']).errors).toEqual([
      'missing key client.key for client certificate client.cert. CA certificates must use the extension .crt'
    ])
    expect(certsDirFiles(['client.key']).errors).toEqual(['missing client certificate client.cert for key client.key'])
  })
})

describe('certsDirOutOfReach', () => {
  const container: JobContainer = { id: 'f'.repeat(64), name: 'job', networkMode: 'bridge', networks: [], binds: [] }

  it('a local unix socket and no container job: readable', () => {
    expect(certsDirOutOfReach('unix:///var/run/docker.sock', undefined)).toBeUndefined()
    expect(certsDirOutOfReach('unix:///run/user/1000/docker.sock', undefined)).toBeUndefined()
  })

  it("a container job: the daemon's filesystem is its host's", () => {
    expect(certsDirOutOfReach('unix:///var/run/docker.sock', container)).toMatch(
      /runs in the container job of the Docker daemon \(a container job\)/
    )
  })

  it('a remote daemon (tcp, ssh): its certs.d is on that machine', () => {
    expect(certsDirOutOfReach('tcp://10.0.0.5:2376', undefined)).toMatch(/at tcp:\/\/10\.0\.0\.5:2376/)
    expect(certsDirOutOfReach('ssh://ci@builder', undefined)).toMatch(/at ssh:\/\/ci@builder/)
  })
})

describe('readCertsDir', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sbr-certs-d-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it("reads each host's CAs and keypair; a directory the daemon refuses is not imported, with its error", async () => {
    mkdirSync(join(dir, 'registry.lan:5000'))
    writeFileSync(join(dir, 'registry.lan:5000', 'a.crt'), 'CA-A')
    writeFileSync(join(dir, 'registry.lan:5000', 'b.crt'), 'CA-B\n')
    writeFileSync(join(dir, 'registry.lan:5000', 'client.cert'), 'CERT')
    writeFileSync(join(dir, 'registry.lan:5000', 'client.key'), 'KEY')
    mkdirSync(join(dir, 'broken.lan'))
    writeFileSync(join(dir, 'broken.lan', 'client.cert'), 'CERT')
    writeFileSync(join(dir, 'stray-file'), '')
    const read = await readCertsDir(dir)
    expect(read.entries).toEqual([
      {
        host: 'registry.lan:5000',
        dir: join(dir, 'registry.lan:5000'),
        ca: 'CA-A\nCA-B\n',
        keypair: { cert: 'CERT', key: 'KEY' }
      }
    ])
    expect(read.notImported).toEqual([
      {
        what: join(dir, 'broken.lan'),
        reason: expect.stringMatching(/^the daemon refuses it too: missing key client\.key/)
      }
    ])
  })

  it('a second keypair is reported, the first imported', async () => {
    mkdirSync(join(dir, 'r.lan'))
    for (const name of ['a.cert', 'a.key', 'b.cert', 'b.key']) writeFileSync(join(dir, 'r.lan', name), name)
    const read = await readCertsDir(dir)
    expect(read.entries[0].keypair).toEqual({ cert: 'a.cert', key: 'a.key' })
    expect(read.notImported).toEqual([
      { what: join(dir, 'r.lan', 'b.cert'), reason: expect.stringContaining('a.cert is imported') }
    ])
  })

  it('no certs.d: nothing, and nothing to report', async () => {
    expect(await readCertsDir(join(dir, 'absent'))).toEqual({ entries: [], notImported: [] })
  })

  it('a file it cannot read: the directory is not imported, with the reason', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file: a directory in place of the key fails the read the same way.
      mkdirSync(join(dir, 'r.lan', 'client.key'), { recursive: true })
    } else {
      mkdirSync(join(dir, 'r.lan'))
      writeFileSync(join(dir, 'r.lan', 'client.key'), 'KEY')
      chmodSync(join(dir, 'r.lan', 'client.key'), 0)
    }
    writeFileSync(join(dir, 'r.lan', 'client.cert'), 'CERT')
    const read = await readCertsDir(dir)
    expect(read.entries).toEqual([])
    expect(read.notImported).toEqual([
      { what: join(dir, 'r.lan'), reason: expect.stringMatching(/^cannot read it \(E/) }
    ])
  })
})
