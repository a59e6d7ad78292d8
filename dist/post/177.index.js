export const id = 177;
export const ids = [177];
export const modules = {

/***/ 15:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ directAccess),
/* harmony export */   a: () => (/* binding */ privilegedAccess)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(160);
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(805);





function missingDirs(path) {
    const created = [];
    for (let dir = path; !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(dir); dir = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(dir))
        created.unshift(dir);
    return created;
}
/** The runner user's own rights: its files, or everything when the job runs as root. */
const directAccess = {
    viaSudo: false,
    writeFile: _file_write_js__WEBPACK_IMPORTED_MODULE_3__/* .replaceFile */ .fR,
    async mkdirs(path) {
        const created = missingDirs(path);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(path, { recursive: true });
        return created;
    },
    // A link goes itself, never the file it names.
    async rm(path) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(path, { force: true });
    },
    async rmdirIfEmpty(path) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rmdir)(path).catch(() => undefined);
    },
    async makeLink(path, text) {
        try {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.symlink)(text, path);
            return true;
        }
        catch (error) {
            if (error.code === 'EEXIST')
                return false;
            throw error;
        }
    },
    async kill(pid, signal) {
        process.kill(pid, signal);
    }
};
const sudoAccess = {
    viaSudo: true,
    // Without a shell. coreutils' install makes the staged file empty, with O_CREAT|O_EXCL and mode
    // 0600 (its own creation mode), then gives it its mode and owner; tee fills it. So a key is 0600
    // before its first byte (`tee` then `chmod` left it 0644 for a moment). install cannot read the
    // content from stdin itself: node's stdin pipe is a socket, which /dev/stdin cannot open. The
    // staged name is random, in a directory only root writes (/etc/docker); mv -T renames it over
    // the path, replacing a link there rather than writing through it.
    async writeFile(path, content, meta) {
        const staged = (0,_file_write_js__WEBPACK_IMPORTED_MODULE_3__/* .stagedPath */ .w1)(path);
        const owner = meta.uid !== undefined && meta.gid !== undefined ? ['-o', `${meta.uid}`, '-g', `${meta.gid}`] : [];
        const mode = meta.mode.toString(8);
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'install', '-T', '-m', mode, ...owner, '/dev/null', staged]);
        try {
            await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'tee', staged], { input: content });
            await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'sync', staged]);
            await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'mv', '-f', '-T', staged, path]);
        }
        catch (error) {
            await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('sudo', ['-n', 'rm', '-f', staged]);
            throw error;
        }
    },
    async mkdirs(path) {
        const created = missingDirs(path);
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'mkdir', '-p', path]);
        return created;
    },
    async rm(path) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'rm', '-f', path]);
    },
    async rmdirIfEmpty(path) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'rmdir', '--ignore-fail-on-non-empty', path]);
    },
    // -T: a directory at the path is not entered; ln fails, as symlink(2) does, when anything is there.
    async makeLink(path, text) {
        const made = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('sudo', ['-n', 'ln', '-s', '-T', '--', text, path]);
        if (made.exitCode === 0)
            return true;
        if (/File exists/.test(made.stderr))
            return false;
        throw new Error(`\`sudo -n ln -s -T -- ${text} ${path}\` failed: ${made.stderr.trim()}`);
    },
    async kill(pid, signal) {
        await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('sudo', ['-n', 'kill', `-${signal.replace(/^SIG/, '')}`, String(pid)]);
    }
};
/**
 * Root, or passwordless sudo, or an error that says what to change. `needed`
 * is false for paths the user owns (rootless Docker).
 */
async function privilegedAccess(needed, what) {
    if (!needed || process.getuid?.() === 0)
        return directAccess;
    if ((await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('sudo', ['-n', 'true'])).exitCode === 0)
        return sudoAccess;
    throw new Error(`${what} needs root: run the job as root, allow this user passwordless sudo, or use rootless Docker`);
}


/***/ }),

/***/ 177:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   restoreConfig: () => (/* binding */ restoreConfig)
/* harmony export */ });
/* unused harmony export installConfigFile */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _file_access_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(15);
/* harmony import */ var _file_undo_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(899);




/**
 * Writes the config where a self-hosted buildkitd reads it, after copying the
 * file there (if any) into the job directory. `save` is called before the
 * write, so post can undo even a write that failed midway.
 */
async function installConfigFile(toml, path, jobDir, save) {
    const before = await backUp(path, join(jobDir, 'installed-config.backup'));
    const installed = { path, before, written: sha256(toml) };
    save(installed);
    // Through a rename, so a buildkitd starting meanwhile reads either file whole.
    await directAccess.writeFile(path, toml, { mode: PUBLIC_FILE_MODE });
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
            `${installed.path} was changed after the main step: left as it is (the file from before the job is not put ` +
                'back over that change).'
        ];
    await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .putBack */ .pK)(installed, _file_access_js__WEBPACK_IMPORTED_MODULE_1__/* .directAccess */ .M);
    return [];
}


/***/ })

};
