export const id = 729;
export const ids = [729];
export const modules = {

/***/ 729:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   removeAuths: () => (/* binding */ removeAuths)
/* harmony export */ });
/* unused harmony export addAuths */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _docker_client_config_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(134);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(160);
/* harmony import */ var _file_access_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(15);
/* harmony import */ var _file_undo_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(899);
/* harmony import */ var _json_file_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(319);







/** docker login writes its config with tabs. */
const DOCKER_CONFIG_INDENT = '\t';
/**
 * Sets `auths` entries for the credentials, keeping every other key of the
 * file; the file before is copied to `backupPath` for post. `save` is called
 * before the file is written.
 */
async function addAuths(credentials, path, backupPath, save) {
    // A config.json that is a link is written through on purpose, as docker/cli's Save does
    // (EvalSymlinks): an admin links it to a shared file. Every other file the action edits refuses
    // links; the file behind is replaced by a rename like any other (host/file-write.ts).
    const file = await fileBehind(path);
    const text = (await readIfExists(file))?.toString('utf8');
    const config = parseJsonObject(path, text ?? '');
    const auths = (config.auths ??= {});
    const entries = credentials.map(credential => {
        const key = authKey(credential.host);
        const prior = auths[key] === undefined ? '' : JSON.stringify(auths[key]);
        const auth = basicAuth(credential);
        auths[key] = { auth };
        return { key, auth, prior };
    });
    const content = stringifyLike(text, config, DOCKER_CONFIG_INDENT);
    const before = await backUp(file, backupPath);
    const added = { path, entries, change: { path: file, before, written: sha256(content) } };
    save(added);
    // 0600 for a new file, as docker login leaves it.
    await directAccess.writeFile(file, content, before ?? { mode: PRIVATE_FILE_MODE });
    return {
        added,
        // A credential store or helper serves these instead of the `auths` entries: writing there changes nothing for
        // docker or buildx.
        servedByHelpers: credentials
            .map(credential => credential.host)
            .filter(host => credentialHelperFor({ path, file: config }, host) !== undefined)
    };
}
/**
 * Undoes addAuths: the file as it was, byte for byte, when nothing else
 * changed it since. Otherwise only the entries still holding what the action
 * wrote get their prior value back (or go); the returned note says so.
 */
async function removeAuths(added) {
    const now = await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_4__/* .fileNow */ .V0)(added.change);
    if (now.state === 'as-before')
        return [];
    if (now.state === 'as-written') {
        await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_4__/* .putBack */ .pK)(added.change, _file_access_js__WEBPACK_IMPORTED_MODULE_3__.directAccess);
        return [];
    }
    if (now.text === undefined)
        return [];
    const file = added.change.path;
    const config = (0,_json_file_js__WEBPACK_IMPORTED_MODULE_5__/* .parseJsonObject */ .d)(file, now.text);
    const auths = config.auths ?? {};
    for (const entry of added.entries) {
        const current = auths[entry.key];
        if (current?.auth !== entry.auth)
            continue;
        if (entry.prior === '')
            delete auths[entry.key];
        else
            auths[entry.key] = JSON.parse(entry.prior);
    }
    const note = `${added.path} was changed after the main step: kept that change and removed only the credentials ` +
        'the job added.';
    const onlyEmptyAuths = Object.keys(config).every(key => key === 'auths') && Object.keys(auths).length === 0;
    if (!added.change.before && onlyEmptyAuths) {
        await _file_access_js__WEBPACK_IMPORTED_MODULE_3__.directAccess.rm(file);
        return [note];
    }
    const { mode } = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.lstat)(file);
    await _file_access_js__WEBPACK_IMPORTED_MODULE_3__.directAccess.writeFile(file, (0,_json_file_js__WEBPACK_IMPORTED_MODULE_5__/* .stringifyLike */ .w)(now.text, config, DOCKER_CONFIG_INDENT), {
        mode: mode & 0o7777
    });
    return [note];
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
