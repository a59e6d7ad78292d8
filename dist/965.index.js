export const id = 965;
export const ids = [965];
export const modules = {

/***/ 8965:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   openDaemonAccess: () => (/* binding */ openDaemonAccess),
/* harmony export */   trustDaemon: () => (/* binding */ trustDaemon),
/* harmony export */   untrustDaemon: () => (/* binding */ untrustDaemon)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8431);
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4675);
/* harmony import */ var _file_access_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3015);
/* harmony import */ var _file_undo_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1899);
/* harmony import */ var _json_file_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(319);








/** For a daemon.json the action creates: 2 spaces, as dockerd's documentation writes it. */
const DAEMON_JSON_INDENT = '  ';
async function isRootless() {
    return (await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .runCommand */ .d1)('docker', ['info', '--format', '{{json .SecurityOptions}}'])).includes('name=rootless');
}
/**
 * Finds the daemon's directories and checks that they can be written, before
 * main writes or creates anything: no root and no sudo fails the step early.
 */
async function openDaemonAccess() {
    const paths = (0,_paths_js__WEBPACK_IMPORTED_MODULE_3__/* .daemonPaths */ .bs)(await isRootless(), process.env);
    return { paths, files: await (0,_file_access_js__WEBPACK_IMPORTED_MODULE_5__/* .privilegedAccess */ .a)(!paths.rootless, `trust-docker-daemon (writing ${paths.certsDir})`) };
}
/**
 * Makes the Docker daemon trust what the plan says, as far as its mode allows.
 * `jobDir` holds the backup of daemon.json.
 * Returns what the user still has to do (for the log and the summary).
 */
async function trustDaemon(access, plan, jobDir, save) {
    const { paths, files: fs } = access;
    const record = { rootless: paths.rootless, files: [], dirs: [] };
    for (const file of plan.certsD) {
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(paths.certsDir, file.path);
        record.dirs.push(...(await fs.mkdirs((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path))));
        record.files.push(path);
        save(record);
        await fs.writeFile(path, file.content, { mode: file.mode });
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Docker daemon: wrote ${path}`);
    }
    const insecure = plan.insecureHosts;
    if (insecure.length === 0)
        return [];
    if (plan.mode !== 'restart') {
        return [
            `The Docker daemon does not trust ${insecure.join(', ')}: \`docker push\`/\`pull\` need "insecure-registries": ${JSON.stringify(insecure)} in ${paths.daemonJson} and a daemon reload. Set \`trust-docker-daemon: restart\` to have the action do it.`
        ];
    }
    const text = (await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .readIfExists */ .OR)(paths.daemonJson))?.toString('utf8');
    const config = (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .parseJsonObject */ .d)(paths.daemonJson, text ?? '');
    const listed = insecureRegistries(config);
    const added = insecure.filter(host => !listed.includes(host));
    if (added.length > 0) {
        const content = (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .stringifyLike */ .w)(text, { ...config, 'insecure-registries': [...listed, ...added] }, DAEMON_JSON_INDENT);
        const before = await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .backUp */ .vm)(paths.daemonJson, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(jobDir, 'daemon.json.backup'));
        record.daemonJson = {
            pidFile: paths.pidFile,
            added,
            keyExisted: 'insecure-registries' in config,
            change: { path: paths.daemonJson, before, written: (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .sha256 */ .sc)(content) }
        };
        save(record);
        await fs.mkdirs((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(paths.daemonJson));
        await fs.writeFile(paths.daemonJson, content, before ?? { mode: 0o644 });
        await reloadDaemon(fs, paths.pidFile, added, true);
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Docker daemon: ${insecure.join(', ')} in insecure-registries (${paths.daemonJson})`);
    return [];
}
/**
 * Removes exactly what trustDaemon added. daemon.json goes back byte for byte
 * (mode and owner too), or away when main created it; when something else
 * changed it since, only the hosts main added go, and the returned note says so.
 */
async function untrustDaemon(record) {
    const fs = await (0,_file_access_js__WEBPACK_IMPORTED_MODULE_5__/* .privilegedAccess */ .a)(!record.rootless, 'removing the Docker daemon trust');
    for (const file of record.files)
        await fs.rm(file);
    for (const dir of [...record.dirs].reverse())
        await fs.rmdirIfEmpty(dir);
    const json = record.daemonJson;
    if (!json)
        return [];
    const { path } = json.change;
    const now = await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .fileNow */ .V0)(json.change);
    if (now.state === 'as-before')
        return [];
    if (now.state === 'as-written') {
        // dockerd's reload leaves insecure-registries as they were when the key is absent, so the
        // reload must see an explicit list (the one before main) before the key, or the file, goes.
        if (!json.keyExisted) {
            const explicit = withoutHosts((0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .parseJsonObject */ .d)(path, now.text ?? ''), json.added);
            await fs.writeFile(path, (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .stringifyLike */ .w)(now.text, explicit, DAEMON_JSON_INDENT), json.change.before ?? { mode: 0o644 });
        }
        else {
            await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .putBack */ .pK)(json.change, fs);
        }
        await reloadDaemon(fs, json.pidFile, json.added, false);
        if (!json.keyExisted)
            await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .putBack */ .pK)(json.change, fs);
        return [];
    }
    // Someone else changed the file after main: theirs stays, only main's hosts go.
    if (now.text === undefined)
        return [
            `${path} was removed after the main step; the Docker daemon may still list ${json.added.join(', ')} in insecure-registries until it reloads.`
        ];
    const current = (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .parseJsonObject */ .d)(path, now.text);
    const ours = insecureRegistries(current).filter(host => json.added.includes(host));
    const note = `${path} was changed after the main step: kept that change and removed only what the job added (${json.added.join(', ')} in insecure-registries).`;
    if (ours.length === 0)
        return [note];
    const { mode, uid, gid } = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(path);
    const meta = { mode: mode & 0o7777, uid, gid };
    const remaining = withoutHosts(current, json.added);
    await fs.writeFile(path, (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .stringifyLike */ .w)(now.text, remaining, DAEMON_JSON_INDENT), meta);
    await reloadDaemon(fs, json.pidFile, json.added, false);
    if (!json.keyExisted && insecureRegistries(remaining).length === 0) {
        const others = Object.fromEntries(Object.entries(remaining).filter(([key]) => key !== 'insecure-registries'));
        await fs.writeFile(path, (0,_json_file_js__WEBPACK_IMPORTED_MODULE_7__/* .stringifyLike */ .w)(now.text, others, DAEMON_JSON_INDENT), meta);
    }
    return [note];
}
function insecureRegistries(config) {
    return config['insecure-registries'] ?? [];
}
/** The config with `hosts` out of insecure-registries, the key kept (even empty). */
function withoutHosts(config, hosts) {
    return { ...config, 'insecure-registries': insecureRegistries(config).filter(host => !hosts.includes(host)) };
}
/**
 * SIGHUP makes dockerd reload daemon.json; insecure-registries is one of the
 * settings it applies live, so running containers (service containers, the
 * builder) keep running. Waits until `docker info` shows the change.
 */
async function reloadDaemon(fs, pidFile, hosts, insecure) {
    const pid = (await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_6__/* .readIfExists */ .OR)(pidFile))?.toString('utf8').trim();
    if (!pid)
        throw new Error(`cannot find dockerd's pid file ${pidFile} to reload it: reload or restart the Docker daemon yourself`);
    await fs.kill(Number(pid), 'SIGHUP');
    const deadline = Date.now() + 30000;
    for (;;) {
        const info = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('docker', ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}']);
        if (info.exitCode === 0) {
            const configs = JSON.parse(info.stdout);
            if (hosts.every(host => (configs[host]?.Secure === false) === insecure))
                return;
        }
        if (Date.now() > deadline)
            throw new Error(`the Docker daemon did not apply insecure-registries ${JSON.stringify(hosts)} within 30 s of a reload: check ${pidFile} and the daemon's log`);
        await new Promise(resolve => setTimeout(resolve, 200));
    }
}


/***/ }),

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

/***/ 319:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ parseJsonObject),
/* harmony export */   w: () => (/* binding */ stringifyLike)
/* harmony export */ });
// JSON files of other tools (daemon.json, the Docker client config) that the
// action edits: refused whole when they do not parse, and rewritten in their
// own layout so that a later diff shows only the keys that changed.
/** The object in a JSON file's text ('' or blank counts as {}). Throws, leaving the file alone, when it is not JSON. */
function parseJsonObject(path, text) {
    try {
        return text.trim() === '' ? {} : JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${path} is not valid JSON (${error.message}); not touching it`);
    }
}
/**
 * `value` as JSON laid out like `existing`: the same indentation and final
 * newline. With no existing file, `fallbackIndent` and a final newline.
 */
function stringifyLike(existing, value, fallbackIndent) {
    if (existing === undefined || existing.trim() === '')
        return `${JSON.stringify(value, null, fallbackIndent)}\n`;
    const indent = /^\{\s*?\n([ \t]+)"/.exec(existing)?.[1] ?? (existing.trim().includes('\n') ? fallbackIndent : '');
    const trailing = /\n$/.test(existing) ? '\n' : '';
    return JSON.stringify(value, null, indent) + trailing;
}


/***/ })

};
