// npm run local: runs the bundled action against this machine's Docker, the
// way a runner would, with example inputs (or your own INPUT_* variables),
// shows what it wrote and what buildx stored, then runs the post step.
// The builder is not booted (no BuildKit image is needed).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newJob, runMain, runPost } from './github-runner.mjs'

function exampleCa() {
  const dir = mkdtempSync(join(tmpdir(), 'sbr-local-ca-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=example CA'
    ],
    { stdio: 'pipe' }
  )
  return readFileSync(join(dir, 'ca.pem'), 'utf8')
}

const fromEnvironment = Object.fromEntries(
  Object.entries(process.env)
    .filter(([key]) => key.startsWith('INPUT_'))
    .map(([key, value]) => [key.slice('INPUT_'.length).toLowerCase(), value ?? ''])
)
const inputs =
  Object.keys(fromEnvironment).length > 0
    ? fromEnvironment
    : {
        registries: 'localhost:5000 http\nregistry.internal:5443\nlab.internal insecure',
        'ca-cert': exampleCa(),
        mirror: 'mirror.internal',
        'max-parallelism': '4',
        bootstrap: 'false'
      }

const job = newJob()
const main = await runMain(job, inputs)
process.stdout.write(main.log)
console.log(`\n--- main exited ${main.exitCode} in ${main.ms.toFixed(0)} ms; outputs:`)
console.log(main.outputs)
if (main.outputs.name) {
  console.log(`\n--- docker buildx inspect ${main.outputs.name}`)
  console.log(execFileSync('docker', ['buildx', 'inspect', main.outputs.name], { encoding: 'utf8' }))
}
const post = await runPost(job, main.state, inputs)
console.log('--- post step')
process.stdout.write(post.log)
console.log(`--- post exited ${post.exitCode}`)
process.exitCode = main.exitCode || post.exitCode
