import * as core from '@actions/core'
import { InputError } from '../inputs/input-error.js'
import { neutralizeUntrusted } from '../untrusted-text.js'
import { builderConfigPath, registryEndpoint } from './builder-trust.js'
import { runMergeWith } from './merge.js'
import { readMergeInputs } from './merge-inputs.js'
import { getMergeInput, setMergeOutput } from './merge-names.js'

// merge/action.yml's entry (dist/merge/index.js): one index of the legs' images, pushed under the
// tags with the trust the job's builder has. Nothing imports this: it is a step of its own.

async function runMerge(): Promise<void> {
  let registry = ''
  try {
    const inputs = readMergeInputs(getMergeInput('sources'), getMergeInput('tags'))
    registry = inputs.registry
    const configPath = builderConfigPath(getMergeInput('config'), inputs.registry, process.env)
    core.info(
      configPath
        ? `Reaching ${inputs.registry} with the builder's trust in ${configPath}.`
        : `No setup-buildkit-registry config in this job: reaching ${inputs.registry} over HTTPS with the system's ` +
            'roots.'
    )
    const endpoint = registryEndpoint(inputs.registry, configPath, process.env)
    const result = await runMergeWith(inputs, endpoint, line => core.info(line))
    setMergeOutput('digest', result.digest)
    core.info(`Merged: ${result.digest}`)
  } catch (error) {
    // An InputError is ours; anything else may hold a registry's or a socket's words.
    if (error instanceof InputError) core.setFailed(error.message)
    else core.setFailed(`Merging on ${registry}: ${neutralizeUntrusted(String((error as Error).message))}`)
  }
}

void runMerge()
