// Types for scripts/github-runner.mjs, which the tests share with `npm run local` and `npm run bench`.
export interface Job {
  root: string
  runnerTemp: string
  env: NodeJS.ProcessEnv
  user?: { uid: number; gid: number }
}
export interface StepResult {
  exitCode: number
  log: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  ms: number
}
export declare const BUNDLE: string
export declare function neverLog(secret: string): void
export declare function newJob(env?: NodeJS.ProcessEnv, user?: { uid: number; gid: number }): Job
export declare function runMain(job: Job, inputs: Record<string, string>): Promise<StepResult>
export declare function runPost(job: Job, state: Record<string, string>, inputs?: Record<string, string>): Promise<StepResult>
