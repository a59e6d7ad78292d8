export const id = 955;
export const ids = [955];
export const modules = {

/***/ 833:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OR: () => (/* binding */ readIfExists),
/* harmony export */   V0: () => (/* binding */ fileNow),
/* harmony export */   pK: () => (/* binding */ putBack),
/* harmony export */   sc: () => (/* binding */ sha256),
/* harmony export */   vm: () => (/* binding */ backUp)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7948);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2122);





function sha256(content) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(content).digest('hex');
}
/** Reads a file; undefined when there is none. */
async function readIfExists(path) {
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(path);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/**
 * Copies the file at `path`, if any, to `backup` (a new 0600 file) with its metadata, before main
 * changes it. A symlink there is refused before anything is changed: a link someone planted would
 * have main replace, and post give back, a file that is not the one the tool reads.
 */
async function backUp(path, backup) {
    let handle;
    try {
        handle = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.open)(path, node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_1__.constants.O_NOFOLLOW);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw await (0,_file_write_js__WEBPACK_IMPORTED_MODULE_3__/* .symlinkRefusal */ .gV)(path);
        throw error;
    }
    try {
        const { mode, uid, gid } = await handle.stat();
        const content = await handle.readFile();
        await (0,_file_write_js__WEBPACK_IMPORTED_MODULE_3__/* .createFile */ .x3)(backup, content, { mode: _model_js__WEBPACK_IMPORTED_MODULE_4__/* .PRIVATE_FILE_MODE */ .vo });
        return { backup, sha256: sha256(content), mode: mode & 0o7777, uid, gid };
    }
    finally {
        await handle.close();
    }
}
async function fileNow(change) {
    const content = await readIfExists(change.path);
    const now = content === undefined ? undefined : sha256(content);
    const text = content?.toString('utf8');
    if (now === change.written)
        return { state: 'as-written', text };
    if (now === change.before?.sha256)
        return { state: 'as-before', text };
    return { state: 'changed', text };
}
/** Gives the file back as main found it: its bytes, mode and owner; or removes it when there was none. */
async function putBack(change, access) {
    if (!change.before) {
        await access.rm(change.path);
        return;
    }
    const { backup, mode, uid, gid } = change.before;
    await access.writeFile(change.path, await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)(backup), { mode, uid, gid });
}


/***/ }),

/***/ 4955:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPost: () => (/* binding */ runPost),
  undoRecord: () => (/* binding */ undoRecord)
});

// EXTERNAL MODULE: ../main/node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(2906);
// EXTERNAL MODULE: ./src/host/builder/buildx.ts
var buildx = __webpack_require__(1154);
// EXTERNAL MODULE: ./src/host/builder/buildkit-container.ts
var buildkit_container = __webpack_require__(656);
// EXTERNAL MODULE: ./src/host/job-dir.ts
var job_dir = __webpack_require__(6529);
// EXTERNAL MODULE: ./src/steps/state.ts
var state = __webpack_require__(4968);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/host/builder/builder-lease.ts
var builder_lease = __webpack_require__(928);
// EXTERNAL MODULE: ./src/host/edits/file-undo.ts
var file_undo = __webpack_require__(833);
// EXTERNAL MODULE: ./src/host/file-write.ts
var file_write = __webpack_require__(2122);
// EXTERNAL MODULE: ./src/inputs/read-inputs.ts + 7 modules
var read_inputs = __webpack_require__(8907);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(7948);
// EXTERNAL MODULE: ./src/paths.ts
var src_paths = __webpack_require__(7349);
// EXTERNAL MODULE: ./src/untrusted-text.ts
var untrusted_text = __webpack_require__(5619);
;// CONCATENATED MODULE: ./src/steps/undo-proof.ts









/** The path `install-config` names for this step ('' for none, or when the input is not valid). */
function installConfigInput() {
    try {
        return (0,read_inputs/* readInstallConfigPath */.Xn)();
    }
    catch {
        return '';
    }
}
const notBuilderName = (name) => (0,model/* isBuilderName */.l1)(name) ? undefined : `'${name}' is not a builder name the action makes`;
/** Why a backup cannot be the job's: outside its directory, or not the bytes recorded. */
async function backupRefusal(before, jobDir) {
    if (!before)
        return undefined;
    if (!jobDir || (0,external_node_path_.dirname)(before.backup) !== jobDir)
        return `its backup ${before.backup} is not in the job directory`;
    const content = await (0,file_undo/* readIfExists */.OR)(before.backup);
    // Gone with the job directory (a second post step): nothing is restored from it.
    if (content === undefined)
        return undefined;
    if ((0,file_undo/* sha256 */.sc)(content) !== before.sha256)
        return `its backup ${before.backup} is not the file main saved (its hash differs)`;
    return undefined;
}
/** A path right in `dir` or below it, after resolving `.` and `..`. */
function isInside(path, dir) {
    const rel = (0,external_node_path_.relative)(dir, (0,external_node_path_.resolve)(path));
    return (0,external_node_path_.isAbsolute)(path) && rel !== '' && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel);
}
/** certs.d: files `<certs.d>/<host>/<job id>.{crt,cert,key}`, and the directories above them main made. */
async function daemonTrustRefusal(trust, { jobDir, env }) {
    const paths = (0,src_paths/* daemonPaths */.bs)(trust.rootless, env);
    for (const file of trust.files) {
        const [host, name, ...more] = (0,external_node_path_.relative)(paths.certsDir, (0,external_node_path_.resolve)(file)).split(external_node_path_.sep);
        // Named after the job directory (plan/daemon-trust.ts), so no one else's file is ever removed.
        const id = /^(.+)\.(crt|cert|key)$/.exec(name ?? '')?.[1] ?? '';
        const ownId = (0,job_dir/* isJobId */.dW)(id) && (jobDir === undefined || (0,external_node_path_.basename)(jobDir) === id);
        if (!isInside(file, paths.certsDir) || more.length > 0 || !host || !ownId)
            return `${file} is not a file of this job's in ${paths.certsDir}`;
    }
    const fileDirs = trust.files.map(file => (0,external_node_path_.dirname)((0,external_node_path_.resolve)(file)));
    for (const dir of trust.dirs)
        if (!fileDirs.some(fileDir => fileDir === (0,external_node_path_.resolve)(dir) || isInside(fileDir, dir)))
            return `${dir} is not a directory above a certs.d file of the job`;
    const json = trust.daemonJson;
    if (!json)
        return undefined;
    if (json.change.path !== paths.daemonJson || json.pidFile !== paths.pidFile)
        return `${json.change.path} is not the daemon's daemon.json (${paths.daemonJson})`;
    return backupRefusal(json.change.before, jobDir);
}
const CHECKS = {
    diskReport: report => notBuilderName(report.builder),
    jobDir: async (dir, { env }) => (0,job_dir/* jobDirRefusal */.jb)(dir, (0,src_paths/* runnerTempDir */.cl)(env)),
    builder: builder => notBuilderName(builder.name),
    builderSelection: selection => notBuilderName(selection.builder),
    // Main names the context after the job directory.
    tempContext: name => ((0,job_dir/* isJobId */.dW)(name) ? undefined : `'${name}' is not a Docker context the action makes`),
    lease: (lease, { env }) => notBuilderName(lease.holder.builder) ??
        (lease.path === (0,builder_lease/* leasePath */.U8)(lease.holder.builder, env) ? undefined : `${lease.path} is not where leases are kept`),
    buildxAlias: () => undefined,
    installedConfig: (installed, { jobDir }) => installed.path === installConfigInput()
        ? backupRefusal(installed.before, jobDir)
        : `${installed.path} is not the file \`install-config\` names`,
    daemonTrust: daemonTrustRefusal,
    addedAuths: async (added, { env, jobDir }) => {
        const config = (0,src_paths/* dockerConfigFile */.dO)(env);
        if (added.change.path !== config && added.change.path !== (await (0,file_write/* fileBehind */.Hk)(config)))
            return `${added.change.path} is not the Docker client config (${config})`;
        return backupRefusal(added.change.before, jobDir);
    },
    clientTrust: () => undefined
};
/** What post says of a change it will not undo. */
const KIND_NAMES = {
    diskReport: "the builder's disk report",
    jobDir: 'the job directory',
    builder: 'the builder',
    builderSelection: "buildx's selected builder",
    tempContext: 'the Docker context',
    lease: "the builder name's lease",
    buildxAlias: 'the `install` alias',
    installedConfig: 'the installed config',
    daemonTrust: 'the Docker daemon trust',
    addedAuths: 'the credentials',
    clientTrust: 'SSL_CERT_FILE'
};
/**
 * The part of `record` post can prove is this action's own, and a warning (its untrusted text
 * neutralized) for every other part. The job directory is proven first: backups must be in it.
 */
async function provenUndo(record, env) {
    const proven = {};
    const refused = [];
    const context = { env };
    const kinds = Object.keys(CHECKS);
    for (const kind of kinds) {
        const change = record[kind];
        if (change === undefined || change === false)
            continue;
        const why = await CHECKS[kind](change, context);
        if (why === undefined) {
            Object.assign(proven, { [kind]: change });
            if (kind === 'jobDir')
                context.jobDir = change;
            continue;
        }
        refused.push((0,untrusted_text/* neutralizeUntrustedLine */.gK)(`Post did not undo ${KIND_NAMES[kind]} of the saved state: ${why}. It cannot be proven this action's own, so nothing of it was removed.`));
    }
    return { record: proven, refused };
}

;// CONCATENATED MODULE: ./src/steps/post.ts






/**
 * Every kind of change main records, with its undo, in the order post runs them (the keys' order):
 * - the builder's disk measured for the summary first, while the builder is still there;
 * - the `docker build` alias first; the builder, then the builder buildx selected before it, the
 *   context it ran on, its name's lease;
 * - the daemon's trust and the client credentials, which name no file of the job directory;
 * - SSL_CERT_FILE pointed back before the bundle it names goes with the job directory;
 * - an installed config restored from its backup, which is in the job directory;
 * - the job directory last: it holds the backups and the key material.
 * The type makes a kind of change added to UndoRecord without an undo here a compile error.
 */
const UNDO = {
    diskReport: {
        failure: report => `Could not measure the disk of builder ${report.builder}`,
        run: async (report) => {
            const { reportBuilderDisk } = await __webpack_require__.e(/* import() */ 663).then(__webpack_require__.bind(__webpack_require__, 8663));
            await reportBuilderDisk(report);
        }
    },
    buildxAlias: {
        failure: () => 'Could not undo `install` (run `docker buildx uninstall`)',
        run: () => (0,buildx/* uninstallBuildxAlias */.ve)()
    },
    builder: {
        // undoBuilder warns itself: it knows what is left and how to remove it.
        failure: builder => `Could not remove builder ${builder.name}`,
        run: builder => undoBuilder(builder)
    },
    builderSelection: {
        failure: () => 'Could not select the builder that was current before the job again',
        run: async ({ builder, before }) => {
            const { restoreBuilderSelection } = await __webpack_require__.e(/* import() */ 948).then(__webpack_require__.bind(__webpack_require__, 3948));
            if (await restoreBuilderSelection(before, builder, process.env))
                core/* info */.pq('buildx selects the builder it selected before the job again (`use`).');
        }
    },
    tempContext: {
        failure: name => `Could not remove the Docker context ${name} (run \`docker context rm --force ${name}\`)`,
        run: async (name) => {
            const { removeContext } = await __webpack_require__.e(/* import() */ 380).then(__webpack_require__.bind(__webpack_require__, 3380));
            if (await removeContext(name))
                core/* info */.pq(`Removed the Docker context ${name}, which the builder ran on.`);
        }
    },
    lease: {
        failure: lease => `Could not release the builder name ${lease.holder.builder}`,
        run: async (lease) => {
            const { releaseLease } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 928));
            await releaseLease(lease.path, lease.holder);
        }
    },
    daemonTrust: {
        failure: () => 'Could not undo the Docker daemon trust',
        run: async (daemonTrust) => {
            const { untrustDaemon } = await __webpack_require__.e(/* import() */ 179).then(__webpack_require__.bind(__webpack_require__, 7560));
            warnAll(await untrustDaemon(daemonTrust));
            const removed = [
                ...daemonTrust.files,
                ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
            ];
            if (removed.length > 0)
                core/* info */.pq(`Docker daemon: removed ${removed.join(', ')}`);
        }
    },
    addedAuths: {
        failure: addedAuths => `Could not remove the credentials from ${addedAuths.path}`,
        run: async (addedAuths) => {
            const { removeAuths } = await __webpack_require__.e(/* import() */ 436).then(__webpack_require__.bind(__webpack_require__, 6055));
            warnAll(await removeAuths(addedAuths));
            core/* info */.pq(`Removed the credentials the job added to ${addedAuths.path}`);
        }
    },
    clientTrust: {
        failure: () => 'Could not point SSL_CERT_FILE back',
        run: async (clientTrust) => {
            const { restoreClientTrust } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 6654));
            restoreClientTrust(clientTrust);
        }
    },
    installedConfig: {
        failure: installedConfig => `Could not restore ${installedConfig.path}`,
        run: async (installedConfig) => {
            const { restoreConfig } = await __webpack_require__.e(/* import() */ 384).then(__webpack_require__.bind(__webpack_require__, 6003));
            warnAll(await restoreConfig(installedConfig));
            core/* info */.pq(installedConfig.before
                ? `Restored ${installedConfig.path} as it was before the job.`
                : `Removed ${installedConfig.path}, which the job installed.`);
        }
    },
    jobDir: {
        failure: jobDir => `Could not remove ${jobDir}, which holds the key material`,
        run: async (jobDir) => {
            if (await (0,job_dir/* removeJobDir */.$Q)(jobDir))
                core/* info */.pq(`Removed ${jobDir} (buildkitd.toml and certificate files).`);
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
    await undoRecord((0,state/* savedUndoRecord */.P)(), process.env);
}
/**
 * Undoes `record` as post does, walking UNDO in its order, after dropping (with a warning) every
 * change that cannot be proven this action's own (undo-proof.ts). Callable with any record, such as
 * an earlier job's found on the runner.
 */
async function undoRecord(saved, env) {
    const { record, refused } = await provenUndo(saved, env);
    warnAll(refused);
    for (const kind of Object.keys(UNDO)) {
        const change = record[kind];
        if (change === undefined || change === false)
            continue;
        const undo = UNDO[kind];
        try {
            await undo.run(change);
        }
        catch (error) {
            core/* warning */.$e(`${undo.failure(change)}: ${error.message}`);
        }
    }
}
/**
 * The builder main created, as far as it got: a `buildx create` that outlived a killed main is
 * stopped first; a debugged job's BuildKit log is shown before the builder goes (with
 * `cleanup: false` too); then the builder is removed, unless `cleanup: false`.
 */
async function undoBuilder(builder) {
    if (builder.createPid !== undefined && builder.createStarted !== undefined) {
        const { stopStrayCommand } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 4167));
        if (await stopStrayCommand({ pid: builder.createPid, started: builder.createStarted }, builder.name, 5000)) {
            core/* info */.pq(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the main step.`);
        }
    }
    if (builder.showLogInPost)
        await (0,buildkit_container/* showBuildkitLog */.k)(builder.name);
    if (!builder.removeInPost) {
        core/* info */.pq(`Keeping builder ${builder.name} (cleanup: false).`);
        return;
    }
    try {
        if (!(await (0,buildx/* removeBuilder */.iq)(builder.name, builder.keepState)))
            core/* info */.pq(`Builder ${builder.name} is already gone.`);
    }
    catch (error) {
        // What buildx could not remove (a config its parser now refuses, a daemon gone) is removed without it.
        const { removeBuilderRemnants } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 2564));
        await removeBuilderRemnants(builder, error);
    }
}
function warnAll(notes) {
    for (const note of notes)
        core/* warning */.$e(note);
}


/***/ })

};
