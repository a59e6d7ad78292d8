export const id = 142;
export const ids = [142];
export const modules = {

/***/ 5142:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPost: () => (/* binding */ runPost)
});

// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
// EXTERNAL MODULE: ./src/host/buildx.ts
var buildx = __webpack_require__(3300);
// EXTERNAL MODULE: ./src/host/command.ts + 1 modules
var command = __webpack_require__(8253);
;// CONCATENATED MODULE: ./src/host/buildkit-container.ts


/** The container buildx's `docker-container` driver runs a builder's first node in (the node is the builder's name + 0). */
function buildkitContainerName(builder) {
    return `buildx_buildkit_${builder}0`;
}
/**
 * Shows the BuildKit container's log (buildkitd's own: what it said of registries, mirrors and TLS
 * during the job's builds), folded, as docker/setup-buildx-action's post step does when the job is
 * debugged. It cannot fail the step: a log that cannot be read is a warning.
 */
async function showBuildkitLog(builder) {
    const container = buildkitContainerName(builder);
    await runner/* group */.Os(`BuildKit container logs (${container})`, async () => {
        const result = await (0,command/* tryCommand */.HQ)('docker', ['logs', container], { show: true });
        if (result.exitCode !== 0) {
            const reason = result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`;
            runner/* warning */.$e(`Could not show the BuildKit container's log: ${reason}`);
        }
    });
}

// EXTERNAL MODULE: ./src/host/files.ts
var files = __webpack_require__(3285);
// EXTERNAL MODULE: ./src/steps/state.ts
var state = __webpack_require__(6062);
;// CONCATENATED MODULE: ./src/steps/post.ts





/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
async function runPost() {
    const { builder, lease, buildxAlias, daemonTrust, addedAuths, installedConfig, clientTrust, jobDir } = (0,state/* savedUndoRecord */.P)();
    if (buildxAlias)
        await undo('Could not undo `install` (run `docker buildx uninstall`)', buildx/* uninstallBuildxAlias */.ve);
    // A main step killed before it could stop its `buildx create` leaves it running: stop it before
    // it finishes a builder this step has already looked for.
    if (builder?.createPid !== undefined) {
        const { stopStrayCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 327));
        if (await stopStrayCommand(builder.createPid, builder.name, 5000)) {
            runner/* info */.pq(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the main step.`);
        }
    }
    // Before the builder goes, and with `cleanup: false` too: the log of the builds just run.
    if (builder?.showLogInPost)
        await showBuildkitLog(builder.name);
    if (builder && !builder.removeInPost) {
        runner/* info */.pq(`Keeping builder ${builder.name} (cleanup: false).`);
    }
    else if (builder) {
        try {
            if (!(await (0,buildx/* removeBuilder */.iq)(builder.name, builder.keepState)))
                runner/* info */.pq(`Builder ${builder.name} is already gone.`);
        }
        catch (error) {
            // buildx forgets the builder even when it cannot reach the daemon to stop (e.g. a gone cluster);
            // an inspect that fails too (the daemon is gone) leaves it known.
            const stillKnown = await (0,buildx/* inspectBuilder */.IK)(builder.name).then(info => info !== undefined, () => true);
            const reason = error.message;
            // What a docker-container builder leaves behind: its container and its state volume.
            const name = buildkitContainerName(builder.name);
            const container = builder.driver === 'docker-container'
                ? ` Its BuildKit container and state volume may still be there: once the daemon answers, remove them with \`docker rm -f ${name} && docker volume rm ${name}_state\`.`
                : '';
            runner/* warning */.$e(stillKnown
                ? `Could not remove builder ${builder.name}: ${reason}. Remove it with \`docker buildx rm ${builder.name}\`.`
                : `buildx no longer knows builder ${builder.name}, but could not stop its BuildKit daemon: ${reason}.${container}`);
        }
    }
    if (lease) {
        await undo(`Could not release the builder name ${lease.holder.builder}`, async () => {
            const { releaseLease } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 2190));
            await releaseLease(lease.path, lease.holder);
        });
    }
    if (daemonTrust) {
        await undo('Could not undo the Docker daemon trust', async () => {
            const { untrustDaemon } = await __webpack_require__.e(/* import() */ 375).then(__webpack_require__.bind(__webpack_require__, 4375));
            warnAll(await untrustDaemon(daemonTrust));
            const removed = [
                ...daemonTrust.files,
                ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
            ];
            if (removed.length > 0)
                runner/* info */.pq(`Docker daemon: removed ${removed.join(', ')}`);
        });
    }
    if (addedAuths) {
        await undo(`Could not remove the credentials from ${addedAuths.path}`, async () => {
            const { removeAuths } = await __webpack_require__.e(/* import() */ 731).then(__webpack_require__.bind(__webpack_require__, 1731));
            warnAll(await removeAuths(addedAuths));
            runner/* info */.pq(`Removed the credentials the job added to ${addedAuths.path}`);
        });
    }
    // Before the job directory (and the CA bundle in it) goes: later post steps must not get a variable naming a removed file.
    if (clientTrust) {
        await undo('Could not point SSL_CERT_FILE back', async () => {
            const { restoreClientTrust } = await __webpack_require__.e(/* import() */ 780).then(__webpack_require__.bind(__webpack_require__, 1780));
            restoreClientTrust(clientTrust);
        });
    }
    // Before the job directory goes: the backups of the users' files are in it.
    if (installedConfig) {
        await undo(`Could not restore ${installedConfig.path}`, async () => {
            const { restoreConfig } = await __webpack_require__.e(/* import() */ 863).then(__webpack_require__.bind(__webpack_require__, 9863));
            warnAll(await restoreConfig(installedConfig));
            runner/* info */.pq(installedConfig.before
                ? `Restored ${installedConfig.path} as it was before the job.`
                : `Removed ${installedConfig.path}, which the job installed.`);
        });
    }
    if (jobDir) {
        await undo(`Could not remove ${jobDir}, which holds the key material`, async () => {
            if (await (0,files/* removeJobDir */.$Q)(jobDir))
                runner/* info */.pq(`Removed ${jobDir} (buildkitd.toml and certificate files).`);
        });
    }
}
function warnAll(notes) {
    for (const note of notes)
        runner/* warning */.$e(note);
}
/**
 * Each undo runs even when an earlier one failed. A failure is a warning naming what was left:
 * cleanup never turns a job red that did its work (as docker/setup-buildx-action's post step).
 */
async function undo(failure, action) {
    try {
        await action();
    }
    catch (error) {
        runner/* warning */.$e(`${failure}: ${error.message}`);
    }
}


/***/ })

};
