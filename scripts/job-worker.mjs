// The job's worker process for scripts/github-runner.mjs: as the runner's Runner.Worker, it starts
// each step's process (so a step's parent is the job's, for the job's whole life) and passes the
// step's output and exit code back over IPC. It ends when the test process that started it does.
// A signal is delivered only to a step still running, and said so: a test of a cancelled step
// proves the signal landed before the step ended (after that, the runner has nothing to cancel).
import { spawn } from 'node:child_process'

const steps = new Map()

process.on('message', message => {
  if (message.signal) {
    const step = steps.get(message.id)
    const running = step !== undefined && step.exitCode === null && step.signalCode === null
    if (running && step.kill(message.signal)) process.send({ id: message.id, signalled: message.signal })
    return
  }
  const { id, command, args, env, uid, gid } = message
  const step = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], uid, gid })
  steps.set(id, step)
  const send = chunk => process.send({ id, chunk: chunk.toString('utf8') })
  step.stdout.on('data', send)
  step.stderr.on('data', send)
  step.on('error', error => process.send({ id, error: error.message }))
  // `signal`: what ended the process, when not its own exit (then `code` is null).
  step.on('close', (code, signal) => {
    steps.delete(id)
    process.send({ id, code, signal })
  })
})

process.on('disconnect', () => process.exit(0))
// Ctrl+C in a terminal signals the whole process group: the steps (as a cancelled job's are) and
// `npm run local`, which then runs the post step through this worker. A runner's worker is in no
// terminal: it stays.
process.on('SIGINT', () => undefined)
// Up: scripts/github-runner.mjs's startJobWorker waits for this.
process.send({ ready: true })
