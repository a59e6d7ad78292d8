import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  buildkitdConfigPath,
  daemonPaths,
  dockerConfigDir,
  dockerConfigFile,
  runnerTempDir,
  userConfigDir
} from '../src/paths.js'

describe('where the tools keep their files', () => {
  it('the Docker client config: DOCKER_CONFIG, else ~/.docker; an empty variable counts as unset, as for docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/cfg/docker' })).toBe('/cfg/docker')
    expect(dockerConfigFile({ DOCKER_CONFIG: '/cfg/docker' })).toBe('/cfg/docker/config.json')
    expect(dockerConfigFile({})).toBe(join(homedir(), '.docker', 'config.json'))
    expect(dockerConfigDir({ DOCKER_CONFIG: '' })).toBe(join(homedir(), '.docker'))
  })

  it("the user's config directory: XDG_CONFIG_HOME, else ~/.config", () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg')
    expect(userConfigDir({})).toBe(join(homedir(), '.config'))
  })

  it("the job's files: RUNNER_TEMP, else the system temp directory off a runner", () => {
    expect(runnerTempDir({ RUNNER_TEMP: '/runner/_work/_temp' })).toBe('/runner/_work/_temp')
    expect(runnerTempDir({})).toBe(tmpdir())
  })

  it("a self-hosted buildkitd's config: /etc/buildkit as root, the user's config directory otherwise", () => {
    expect(buildkitdConfigPath(0, { XDG_CONFIG_HOME: '/xdg' })).toBe('/etc/buildkit/buildkitd.toml')
    expect(buildkitdConfigPath(1001, { XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/buildkit/buildkitd.toml')
    expect(buildkitdConfigPath(1001, {})).toBe(join(homedir(), '.config', 'buildkit', 'buildkitd.toml'))
  })
})

describe("the Docker daemon's trust files", () => {
  it('rootful: /etc/docker and the pid file in /var/run, whatever the environment says', () => {
    expect(daemonPaths(false, { XDG_CONFIG_HOME: '/xdg', XDG_RUNTIME_DIR: '/run/user/1001' })).toEqual({
      rootless: false,
      certsDir: '/etc/docker/certs.d',
      daemonJson: '/etc/docker/daemon.json',
      pidFile: '/var/run/docker.pid'
    })
  })

  it("rootless: the user's config directory, the pid file in XDG_RUNTIME_DIR", () => {
    expect(daemonPaths(true, { XDG_CONFIG_HOME: '/xdg', XDG_RUNTIME_DIR: '/run/user/1001' })).toEqual({
      rootless: true,
      certsDir: '/xdg/docker/certs.d',
      daemonJson: '/xdg/docker/daemon.json',
      pidFile: '/run/user/1001/docker.pid'
    })
  })

  it("rootless without XDG_RUNTIME_DIR: the pid file in this user's /run/user directory", () => {
    expect(daemonPaths(true, {}).pidFile).toBe(`/run/user/${process.getuid!()}/docker.pid`)
    expect(daemonPaths(true, {}).daemonJson).toBe(join(homedir(), '.config', 'docker', 'daemon.json'))
  })
})
