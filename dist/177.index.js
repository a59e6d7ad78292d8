export const id = 177;
export const ids = [177];
export const modules = {

/***/ 3015:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ directAccess),
/* harmony export */   a: () => (/* binding */ privilegedAccess)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4675);




function missingDirs(path) {
    const created = [];
    for (let dir = path; !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(dir); dir = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dir))
        created.unshift(dir);
    return created;
}
/**
 * The file a path names, through symlinks, as docker/cli's config Save finds it (EvalSymlinks, and
 * for a dangling link the path it points to): the path itself when it is no link.
 */
async function fileBehind(path) {
    const resolved = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.realpath)(path).catch(() => undefined);
    if (resolved !== undefined)
        return resolved;
    let target = path;
    // 40: Linux's own limit on links followed in one lookup.
    for (let hop = 0; hop < 40; hop++) {
        const link = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readlink)(target).catch(() => undefined);
        if (link === undefined)
            return target;
        target = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(target), link);
    }
    return target;
}
/**
 * Writes through a rename of a file staged next to it. The explicit chmod
 * undoes the umask; chown only as root, the one user who can give a file away.
 * A symlink (a config.json an admin links to a shared file) is written through: the file it
 * points to is replaced and the link stays, as docker's own writes of config.json keep it.
 */
async function replaceFile(linkOrPath, content, meta) {
    const path = await fileBehind(linkOrPath);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path), { recursive: true });
    const staged = `${path}.setup-buildkit-registry.tmp`;
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(staged, content, { mode: meta.mode });
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod)(staged, meta.mode);
    if (meta.uid !== undefined && meta.gid !== undefined && process.getuid?.() === 0)
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chown)(staged, meta.uid, meta.gid);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(staged, path);
}
/** The runner user's own rights: its files, or everything when the job runs as root. */
const directAccess = {
    viaSudo: false,
    writeFile: replaceFile,
    async mkdirs(path) {
        const created = missingDirs(path);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(path, { recursive: true });
        return created;
    },
    // Through a symlink too: what writeFile created behind a dangling link goes, the link stays.
    async rm(path) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(await fileBehind(path), { force: true });
    },
    async rmdirIfEmpty(path) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rmdir)(path).catch(() => undefined);
    },
    async kill(pid, signal) {
        process.kill(pid, signal);
    }
};
const sudoAccess = {
    viaSudo: true,
    // tee writes in place; it is the one way to write a root-owned file through `sudo -n` without a shell.
    async writeFile(path, content, meta) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'tee', path], { input: content });
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'chmod', meta.mode.toString(8), path]);
        if (meta.uid !== undefined && meta.gid !== undefined)
            await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'chown', `${meta.uid}:${meta.gid}`, path]);
    },
    async mkdirs(path) {
        const created = missingDirs(path);
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'mkdir', '-p', path]);
        return created;
    },
    async rm(path) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'rm', '-f', path]);
    },
    async rmdirIfEmpty(path) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'rmdir', '--ignore-fail-on-non-empty', path]);
    },
    async kill(pid, signal) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .runCommand */ .d1)('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, String(pid)]);
    }
};
/**
 * Root, or passwordless sudo, or an error that says what to change. `needed`
 * is false for paths the user owns (rootless Docker).
 */
async function privilegedAccess(needed, what) {
    if (!needed || process.getuid?.() === 0)
        return directAccess;
    if ((await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_3__/* .tryCommand */ .HQ)('sudo', ['-n', 'true'])).exitCode === 0)
        return sudoAccess;
    throw new Error(`${what} needs root: run the job as root, allow this user passwordless sudo, or use rootless Docker`);
}


/***/ }),

/***/ 1899:
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
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(182);



function sha256(content) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(content).digest('hex');
}
/** Reads a file; undefined when there is none. */
async function readIfExists(path) {
    try {
        return await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/** Copies the file at `path`, if any, to `backup` with its metadata, before main changes it. */
async function backUp(path, backup) {
    const content = await readIfExists(path);
    if (content === undefined)
        return undefined;
    const { mode, uid, gid } = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(path);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.copyFile)(path, backup);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod)(backup, _model_js__WEBPACK_IMPORTED_MODULE_2__/* .PRIVATE_FILE_MODE */ .vo);
    return { backup, sha256: sha256(content), mode: mode & 0o7777, uid, gid };
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
    await access.writeFile(change.path, await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(backup), { mode, uid, gid });
}


/***/ }),

/***/ 9177:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   installConfigFile: () => (/* binding */ installConfigFile),
/* harmony export */   restoreConfig: () => (/* binding */ restoreConfig)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(182);
/* harmony import */ var _file_access_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3015);
/* harmony import */ var _file_undo_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1899);




/**
 * Writes the config where a self-hosted buildkitd reads it, after copying the
 * file there (if any) into the job directory. `save` is called before the
 * write, so post can undo even a write that failed midway.
 */
async function installConfigFile(toml, path, jobDir, save) {
    const before = await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .backUp */ .vm)(path, (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(jobDir, 'installed-config.backup'));
    const installed = { path, before, written: (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .sha256 */ .sc)(toml) };
    save(installed);
    // Through a rename, so a buildkitd starting meanwhile reads either file whole.
    await _file_access_js__WEBPACK_IMPORTED_MODULE_1__/* .directAccess */ .M.writeFile(path, toml, { mode: _model_js__WEBPACK_IMPORTED_MODULE_3__/* .PUBLIC_FILE_MODE */ .tF });
    return installed;
}
/**
 * Puts back the file that was there before (bytes, mode, owner), or removes
 * ours when there was none. A file changed since main is left as it is: the
 * returned note says so. A second call does nothing.
 */
async function restoreConfig(installed) {
    const now = await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .fileNow */ .V0)(installed);
    if (now.state === 'as-before')
        return [];
    if (now.state === 'changed')
        return [
            `${installed.path} was changed after the main step: left as it is (the file from before the job is not put back over that change).`
        ];
    await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .putBack */ .pK)(installed, _file_access_js__WEBPACK_IMPORTED_MODULE_1__/* .directAccess */ .M);
    return [];
}


/***/ })

};
