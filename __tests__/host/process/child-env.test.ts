import { childEnvironment, isStepOnly } from '../../../src/host/process/child-env.js'
import { tryCommand } from '../../../src/host/process/command.js'

const STEP_ENV = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  DOCKER_CONFIG: '/home/runner/.docker',
  BUILDX_CONFIG: '/home/runner/.buildx',
  HTTPS_PROXY: 'http://proxy.corp:3128',
  no_proxy: 'localhost',
  SSL_CERT_FILE: '/tmp/ca.pem',
  GITHUB_WORKSPACE: '/work',
  RUNNER_TEMP: '/tmp/runner',
  INPUT_PASSWORD: 'p4ss',
  'INPUT_CLIENT-KEY': '-----BEGIN PRIVATE KEY-----',
  STATE_undo: '{"jobDir":"/tmp/x"}',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  ACTIONS_RUNTIME_URL: 'https://pipelines.example/',
  ACTIONS_CACHE_URL: 'https://cache.example/',
  ACTIONS_RESULTS_URL: 'https://results.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/'
}

describe('childEnvironment', () => {
  it("keeps what docker and buildx read, and drops the step's inputs, state and runner tokens", () => {
    expect(childEnvironment(STEP_ENV, { BUILDX_METADATA_PROVENANCE: 'min' })).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/home/runner/.docker',
      BUILDX_CONFIG: '/home/runner/.buildx',
      HTTPS_PROXY: 'http://proxy.corp:3128',
      no_proxy: 'localhost',
      SSL_CERT_FILE: '/tmp/ca.pem',
      GITHUB_WORKSPACE: '/work',
      RUNNER_TEMP: '/tmp/runner',
      BUILDX_METADATA_PROVENANCE: 'min'
    })
  })

  it('compares names as the runner writes them, in any case', () => {
    expect(['input_x', 'State_y', 'actions_runtime_token'].every(isStepOnly)).toBe(true)
    expect(['INPUTS', 'ACTIONS_STEP_DEBUG', 'RUNNER_DEBUG', 'GITHUB_TOKEN_FILE'].some(isStepOnly)).toBe(false)
  })
})

describe('a command the action runs', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
  })

  it("sees none of the step's own variables in its environment (/proc/PID/environ), and the rest", async () => {
    Object.assign(process.env, { INPUT_PASSWORD: 'p4ss', STATE_undo: '{}', ACTIONS_RUNTIME_TOKEN: 'token' })
    const result = await tryCommand('sh', ['-c', 'tr "\\0" "\\n" < /proc/$$/environ'], { env: { EXTRA: 'yes' } })
    expect(result.exitCode).toBe(0)
    const names = result.stdout.split('\n').map(line => line.split('=')[0])
    expect(names).not.toEqual(expect.arrayContaining(['INPUT_PASSWORD']))
    expect(names.filter(name => isStepOnly(name))).toEqual([])
    expect(names).toEqual(expect.arrayContaining(['PATH', 'EXTRA']))
  })
})
