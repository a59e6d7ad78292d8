import { SET_BY_USER, type JobContainer, type NetworkChoice } from './facts.js'

// A container job (`container:`, with `services:`): the step runs in a container of the Docker
// daemon it talks to (host/runner-network.ts finds it). What the action writes then lands in that
// container (plan/container-job.ts checks it), and a builder on a network of its own would not see
// what the step sees.

/**
 * The builder shares the job container's network namespace (`container:<id>`): the job's network
 * with its `services:` names, and also the job container's own /etc/hosts (`--add-host` lines),
 * DNS and loopback, which is what the step itself resolved the registries with. This wins over the
 * runner host's hosts file, which the job container does not read. (Joining the job's network by
 * name would not bring the container's hosts file, and would keep the runner from removing that
 * network at the job's end while a kept builder is attached.) With `cleanup: false` its network
 * goes with the job container. Pure.
 */
export function jobContainerNetwork(job: JobContainer, cleanup: boolean): NetworkChoice {
  return {
    network: `container:${job.id}`,
    sharesJobContainer: true,
    note:
      `This step runs in the container ${job.name} ` +
      `(a container job, on ${job.networks.join(', ') || job.networkMode}): ` +
      `the builder shares its network, adding --driver-opt network=container:${job.id}, so it resolves and reaches ` +
      "what this step does (`services:` by their names, the container's /etc/hosts and loopback) " +
      SET_BY_USER +
      (cleanup
        ? ''
        : '. With `cleanup: false` the builder is kept, but its network goes with the job container: ' +
          'a later job recreates it (`replace`)')
  }
}

/** Whether `network` is the job container's own namespace. */
export function isJobContainerNetwork(network: string | undefined, job: JobContainer | undefined): boolean {
  return !!job && network === `container:${job.id}`
}
