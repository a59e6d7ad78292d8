import * as core from '@actions/core'
import { InputError } from '../../inputs/input-error.js'
import type { BuildxCreate } from '../../model.js'
import { createBuilder, isNameTaken, removeBuilder } from './buildx.js'
import { CANCELLED_EXIT_CODE, CommandError } from '../process/command.js'

/** What the caller records as the creation goes. */
export interface CreationHooks {
  /** A `buildx create` process started. */
  onStart(pid: number): void
  /** The name is another builder's, which stays: the job must not remove it. */
  notOurs(): void
}

/**
 * Creates the builder. A builder of the same name left by a crashed job (usual
 * on self-hosted runners) is removed and created again, unless `replace: false`.
 */
export async function createReplacingLeftover(
  create: BuildxCreate,
  name: string,
  replace: boolean,
  hooks: CreationHooks
): Promise<void> {
  try {
    await createBuilder(create, name, hooks.onStart)
    return
  } catch (error) {
    if (!isNameTaken(error)) {
      await removeHalfMadeBuilder(name)
      throw error
    }
  }
  if (!replace) {
    hooks.notOurs()
    throw new InputError(
      'name',
      `a builder named '${name}' already exists`,
      `remove it with \`docker buildx rm ${name}\`, set \`replace: true\`, or choose another \`name\``
    )
  }
  core.info(`A builder named ${name} already exists (left by an earlier job?): removing it and creating it again.`)
  await removeBuilder(name)
  try {
    await createBuilder(create, name, hooks.onStart)
  } catch (error) {
    await removeHalfMadeBuilder(name)
    throw error
  }
}

/** `buildx create --bootstrap` stores the builder before booting it: a failed boot leaves it behind. */
async function removeHalfMadeBuilder(name: string): Promise<void> {
  try {
    await removeBuilder(name)
  } catch (error) {
    // A cancelled job starts no command: the post step removes it, from the undo record.
    if (error instanceof CommandError && error.exitCode === CANCELLED_EXIT_CODE) return
    core.warning(
      `Could not remove the half-created builder ${name}: ${(error as Error).message}. Remove it with \`docker buildx rm ${name}\`.`
    )
  }
}
