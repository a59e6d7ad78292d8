export const id = 677;
export const ids = [677];
export const modules = {

/***/ 2677:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var _host_builder_buildx_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9748);
/* harmony import */ var _host_builder_buildkit_container_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2554);
/* harmony import */ var _host_job_dir_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7919);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6062);





/**
 * Every kind of change main records, with its undo, in the order post runs them (the keys' order):
 * - the `docker build` alias first; the builder, then the builder buildx selected before it, the
 *   context it ran on, its name's lease;
 * - the daemon's trust and the client credentials, which name no file of the job directory;
 * - SSL_CERT_FILE pointed back before the bundle it names goes with the job directory;
 * - an installed config restored from its backup, which is in the job directory;
 * - the job directory last: it holds the backups and the key material.
 * The type makes a kind of change added to UndoRecord without an undo here a compile error.
 */
const UNDO = {
    buildxAlias: {
        failure: () => 'Could not undo `install` (run `docker buildx uninstall`)',
        run: () => (0,_host_builder_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .uninstallBuildxAlias */ .ve)()
    },
    builder: {
        // undoBuilder warns itself: it knows what is left and how to remove it.
        failure: builder => `Could not remove builder ${builder.name}`,
        run: builder => undoBuilder(builder)
    },
    builderSelection: {
        failure: () => 'Could not select the builder that was current before the job again',
        run: async ({ builder, before }) => {
            const { restoreBuilderSelection } = await __webpack_require__.e(/* import() */ 622).then(__webpack_require__.bind(__webpack_require__, 622));
            if (await restoreBuilderSelection(before, builder, process.env))
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq('buildx selects the builder it selected before the job again (`use`).');
        }
    },
    tempContext: {
        failure: name => `Could not remove the Docker context ${name} (run \`docker context rm --force ${name}\`)`,
        run: async (name) => {
            const { removeContext } = await __webpack_require__.e(/* import() */ 54).then(__webpack_require__.bind(__webpack_require__, 6054));
            if (await removeContext(name))
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the Docker context ${name}, which the builder ran on.`);
        }
    },
    lease: {
        failure: lease => `Could not release the builder name ${lease.holder.builder}`,
        run: async (lease) => {
            const { releaseLease } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5742));
            await releaseLease(lease.path, lease.holder);
        }
    },
    daemonTrust: {
        failure: () => 'Could not undo the Docker daemon trust',
        run: async (daemonTrust) => {
            const { untrustDaemon } = await __webpack_require__.e(/* import() */ 965).then(__webpack_require__.bind(__webpack_require__, 8965));
            warnAll(await untrustDaemon(daemonTrust));
            const removed = [
                ...daemonTrust.files,
                ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
            ];
            if (removed.length > 0)
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Docker daemon: removed ${removed.join(', ')}`);
        }
    },
    addedAuths: {
        failure: addedAuths => `Could not remove the credentials from ${addedAuths.path}`,
        run: async (addedAuths) => {
            const { removeAuths } = await __webpack_require__.e(/* import() */ 729).then(__webpack_require__.bind(__webpack_require__, 729));
            warnAll(await removeAuths(addedAuths));
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the credentials the job added to ${addedAuths.path}`);
        }
    },
    clientTrust: {
        failure: () => 'Could not point SSL_CERT_FILE back',
        run: async (clientTrust) => {
            const { restoreClientTrust } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 2640));
            restoreClientTrust(clientTrust);
        }
    },
    installedConfig: {
        failure: installedConfig => `Could not restore ${installedConfig.path}`,
        run: async (installedConfig) => {
            const { restoreConfig } = await __webpack_require__.e(/* import() */ 177).then(__webpack_require__.bind(__webpack_require__, 9177));
            warnAll(await restoreConfig(installedConfig));
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(installedConfig.before
                ? `Restored ${installedConfig.path} as it was before the job.`
                : `Removed ${installedConfig.path}, which the job installed.`);
        }
    },
    jobDir: {
        failure: jobDir => `Could not remove ${jobDir}, which holds the key material`,
        run: async (jobDir) => {
            if (await (0,_host_job_dir_js__WEBPACK_IMPORTED_MODULE_3__/* .removeJobDir */ .$Q)(jobDir))
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed ${jobDir} (buildkitd.toml and certificate files).`);
        }
    }
};
/**
 * Undoes what main did, from saved state alone, walking UNDO in its order. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped. Each undo runs even
 * when an earlier one failed; a failure is a warning naming what was left: cleanup never turns a
 * job red that did its work (as docker/setup-buildx-action's post step).
 */
async function runPost() {
    const record = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .savedUndoRecord */ .P)();
    for (const kind of Object.keys(UNDO)) {
        const change = record[kind];
        if (change === undefined || change === false)
            continue;
        const undo = UNDO[kind];
        try {
            await undo.run(change);
        }
        catch (error) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${undo.failure(change)}: ${error.message}`);
        }
    }
}
/**
 * The builder main created, as far as it got: a `buildx create` that outlived a killed main is
 * stopped first; a debugged job's BuildKit log is shown before the builder goes (with
 * `cleanup: false` too); then the builder is removed, unless `cleanup: false`.
 */
async function undoBuilder(builder) {
    if (builder.createPid !== undefined) {
        const { stopStrayCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 5093));
        if (await stopStrayCommand(builder.createPid, builder.name, 5000)) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the main step.`);
        }
    }
    if (builder.showLogInPost)
        await (0,_host_builder_buildkit_container_js__WEBPACK_IMPORTED_MODULE_2__/* .showBuildkitLog */ .k)(builder.name);
    if (!builder.removeInPost) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Keeping builder ${builder.name} (cleanup: false).`);
        return;
    }
    try {
        if (!(await (0,_host_builder_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .removeBuilder */ .iq)(builder.name, builder.keepState)))
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Builder ${builder.name} is already gone.`);
    }
    catch (error) {
        // What buildx could not remove (a config its parser now refuses, a daemon gone) is removed without it.
        const { removeBuilderRemnants } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 6570));
        await removeBuilderRemnants(builder, error);
    }
}
function warnAll(notes) {
    for (const note of notes)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(note);
}


/***/ })

};
