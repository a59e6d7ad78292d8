import * as core from '@actions/core'
import { InputError } from '../../inputs/input-error.js'
import type { BuildxCreate } from '../../model.js'
import { removeBuilderRemnants, type BuilderToRemove } from './builder-remnants.js'
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
  builder: BuilderToRemove,
  replace: boolean,
  hooks: CreationHooks
): Promise<void> {
  const { name } = builder
  try {
    await createBuilder(create, name, hooks.onStart)
    return
  } catch (error) {
    if (!isNameTaken(error)) {
      await removeHalfMadeBuilder(builder)
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
  try {
    // With `keep-state` the leftover's state volume stays: the new builder of that name mounts it,
    // so the cache the user asked to keep survives a crashed job too.
    await removeBuilder(name, builder.keepState)
  } catch (error) {
    // One buildx can no longer load (a config its parser refuses, written by another buildx) would
    // block the name for good: it goes without buildx, as post removes one.
    if (error instanceof CommandError && error.exitCode === CANCELLED_EXIT_CODE) throw error
    await removeBuilderRemnants(builder, error)
  }
  try {
    await createBuilder(create, name, hooks.onStart)
  } catch (error) {
    await removeHalfMadeBuilder(builder)
    throw error
  }
}

/**
 * `buildx create --bootstrap` stores the builder before booting it: a failed boot leaves it behind.
 * buildx 0.13.1 stores it even before it parses the config, and then cannot remove it.
 */
async function removeHalfMadeBuilder(builder: BuilderToRemove): Promise<void> {
  try {
    await removeBuilder(builder.name, builder.keepState)
  } catch (error) {
    // A cancelled job starts no command: the post step removes it, from the undo record.
    if (error instanceof CommandError && error.exitCode === CANCELLED_EXIT_CODE) return
    await removeBuilderRemnants(builder, error)
  }
}
