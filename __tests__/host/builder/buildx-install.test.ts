import { checksumFor, releaseAssetName } from '../../../src/host/builder/buildx-install.js'

describe('buildx release assets', () => {
  it.each([
    ['linux', 'x64', 'buildx-v0.19.3.linux-amd64'],
    ['linux', 'arm64', 'buildx-v0.19.3.linux-arm64'],
    ['linux', 'arm', 'buildx-v0.19.3.linux-arm-v7'],
    ['darwin', 'arm64', 'buildx-v0.19.3.darwin-arm64'],
    ['win32', 'x64', 'buildx-v0.19.3.windows-amd64.exe']
  ] as [NodeJS.Platform, string, string][])('names the asset for %s/%s', (platform, arch, asset) => {
    expect(releaseAssetName('v0.19.3', platform, arch)).toBe(asset)
  })

  it('refuses a platform buildx publishes nothing for', () => {
    expect(() => releaseAssetName('v0.19.3', 'aix', 'ppc')).toThrow('buildx publishes no release for aix/ppc')
  })

  it("finds the asset's sha256 in a checksums file, and nothing for an unlisted asset", () => {
    const sum = 'a'.repeat(64)
    const checksums = `${'b'.repeat(64)} *buildx-v0.19.3.linux-arm64\n${sum} *buildx-v0.19.3.linux-amd64\n`
    expect(checksumFor(checksums, 'buildx-v0.19.3.linux-amd64')).toBe(sum)
    expect(checksumFor(checksums, 'buildx-v0.19.3.darwin-amd64')).toBeUndefined()
  })
})
