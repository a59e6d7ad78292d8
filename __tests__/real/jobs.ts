import { spawnSync } from 'node:child_process'
import { newJob, runMain, runPost, type Job, type StepResult } from '../../scripts/github-runner.mjs'
import { buildkitContainer } from '../helpers/builds.js'
import { newDockerConfig } from './docker.js'

// Jobs for the tests that boot builders: each with its own Docker client config (so `use: true`
// and buildx's builder store stay the test's own), and post steps that are owed until run, so
// that a test failing midway still removes its builder and BuildKit container (afterAll).

export type TestJob = Job & { dockerConfig: string }

export function newTestJob(env: NodeJS.ProcessEnv = {}): TestJob {
  const dockerConfig = newDockerConfig()
  return { ...newJob({ DOCKER_CONFIG: dockerConfig, ...env }), dockerConfig }
}

const owedPosts = new Map<TestJob, () => Promise<StepResult>>()

/** The action's main step; its post step is owed from here on. */
export async function setUp(
  job: TestJob,
  inputs: Record<string, string>,
  options: Parameters<typeof runMain>[2] = {}
): Promise<StepResult> {
  const main = await runMain(job, inputs, options)
  owedPosts.set(job, () => runPost(job, main.state, inputs))
  return main
}

/** The post step of the job's main. */
export async function tearDown(job: TestJob): Promise<StepResult> {
  const post = owedPosts.get(job)
  if (!post) throw new Error('tearDown without setUp')
  owedPosts.delete(job)
  return post()
}

/** For afterAll: the post steps of jobs whose test stopped before its own tearDown. */
export async function tearDownAll(): Promise<void> {
  for (const job of [...owedPosts.keys()]) await tearDown(job)
}

/** True while the docker-container builder's BuildKit container exists (running or not). */
export function containerExists(builder: string): boolean {
  return spawnSync('docker', ['container', 'inspect', buildkitContainer(builder)], { stdio: 'ignore' }).status === 0
}
