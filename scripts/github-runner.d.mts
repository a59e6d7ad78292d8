// Types for scripts/github-runner.mjs, which the tests share with `npm run local` and `npm run bench`.
export interface Job {
  root: string
  runnerTemp: string
  env: NodeJS.ProcessEnv
  /** Directories added through GITHUB_PATH, newest first. */
  path: string[]
  /** The job's worker process, started with its first step (or by startJobWorker); `ready` once it is up. */
  runner: { worker?: import('node:child_process').ChildProcess; ready?: Promise<unknown> }
  user?: { uid: number; gid: number }
  /**
   * A container job: steps run in this container with `docker exec` (as actions/runner does),
   * with `node` there and PATH the container's (`path`), after what earlier steps added.
   */
  container?: { name: string; path: string; node: string }
}
export interface StepResult {
  exitCode: number
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** What the step wrote to GITHUB_ENV (already applied to the job's later steps). */
  exported: Record<string, string>
  ms: number
}
export interface CommandResult {
  status: number
  stdout: string
  stderr: string
}
export declare const BUNDLE: string
export declare const POST_BUNDLE: string
export declare function neverLog(secret: string): void
export declare function newJob(env?: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): Job
export declare function runMain(
  job: Job,
  inputs: Record<string, string>,
  /** Cancel the job, or SIGKILL the step, this long into it; `withoutId`: a step with no `id:` (GITHUB_ACTION `__…`). */
  options?: { cancelAfterMs?: number; killAfterMs?: number; withoutId?: boolean }
): Promise<StepResult>
export declare function runPost(
  job: Job,
  state: Record<string, string>,
  inputs?: Record<string, string>
): Promise<StepResult>
export declare function runLater(
  job: Job,
  command: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv }
): Promise<CommandResult>
export declare function crashJob(job: Job): Promise<void>
/** Starts the job's worker and waits until it is up, as a runner's is before the first step. */
export declare function startJobWorker(job: Job): Promise<void>
