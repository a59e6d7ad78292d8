export const id = 622;
export const ids = [622];
export const modules = {

/***/ 622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   restoreBuilderSelection: () => (/* binding */ restoreBuilderSelection)
/* harmony export */ });
/* unused harmony export readBuilderSelection */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(431);
/* harmony import */ var _buildx_store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(648);




/** The selection in buildx's store now (BUILDX_CONFIG, else DOCKER_CONFIG/buildx). */
async function readBuilderSelection(env) {
    const store = (0,_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .buildxStoreDir */ .xI)(env);
    const defaults = await (0,_buildx_store_js__WEBPACK_IMPORTED_MODULE_3__/* .readDefaults */ .D8)(store);
    return { current: (await (0,_buildx_store_js__WEBPACK_IMPORTED_MODULE_3__/* .readText */ .yR)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(store, 'current'))) ?? null, defaults };
}
/**
 * Puts `before` back where `current` still holds the job's selection (nothing else selected
 * another builder since): `current` as it was, or none, and the `defaults` entries `--use` removed.
 * Returns whether it changed anything.
 */
async function restoreBuilderSelection(before, name, env) {
    const store = (0,_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .buildxStoreDir */ .xI)(env);
    const now = await readBuilderSelection(env);
    if (!selects(now.current, name) || now.current === before.current)
        return false;
    if (before.current === null)
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(store, 'current'), { force: true });
    else
        await (0,_buildx_store_js__WEBPACK_IMPORTED_MODULE_3__/* .writeAtomically */ .vK)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(store, 'current'), before.current);
    for (const [file, builder] of Object.entries(before.defaults)) {
        if (now.defaults[file] !== undefined)
            continue;
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(store, 'defaults'), { recursive: true, mode: 0o700 });
        await (0,_buildx_store_js__WEBPACK_IMPORTED_MODULE_3__/* .writeAtomically */ .vK)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(store, 'defaults', file), builder);
    }
    return true;
}
/**
 * Whether the text of `current` still holds the job's selection: it names builder `name` (buildx
 * files names lower-cased), or no builder, as a removal without buildx resets it (builder-remnants.ts).
 */
function selects(current, name) {
    const named = (0,_buildx_store_js__WEBPACK_IMPORTED_MODULE_3__/* .jsonField */ .Ni)(current, 'Name');
    return typeof named === 'string' && ['', name.toLowerCase()].includes(named.toLowerCase());
}


/***/ }),

/***/ 648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D8: () => (/* binding */ readDefaults),
/* harmony export */   Ni: () => (/* binding */ jsonField),
/* harmony export */   nF: () => (/* binding */ isStoreName),
/* harmony export */   vK: () => (/* binding */ writeAtomically),
/* harmony export */   wy: () => (/* binding */ readStoreSnapshot),
/* harmony export */   yR: () => (/* binding */ readText)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(182);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(160);




// buildx's store (~/.docker/buildx: `current`, `defaults/`, `instances/`), read and written as
// buildx does, by the builder selection and the remnants of a builder alike.
/** A store file's text; undefined when it is not there (or not readable), as buildx takes it. */
async function readText(path) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8').catch(() => undefined);
}
/** As buildx writes its store (AtomicWriteFile): 0600, whole, a link at the path replaced. */
function writeAtomically(path, text) {
    return (0,_file_write_js__WEBPACK_IMPORTED_MODULE_2__/* .replaceFile */ .fR)(path, text, { mode: _model_js__WEBPACK_IMPORTED_MODULE_3__/* .PRIVATE_FILE_MODE */ .vo });
}
/**
 * A builder name, node name or group id buildx could have written, safe to use in a path: buildx's
 * names follow the rule of the builder names the action takes.
 */
const isStoreName = _model_js__WEBPACK_IMPORTED_MODULE_3__/* .isBuilderName */ .l1;
/** The `defaults/HASH` files (a builder made the default of an endpoint) and the name each holds. */
async function readDefaults(storeDir) {
    const defaults = {};
    for (const file of await list((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'defaults'))) {
        const holds = await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'defaults', file));
        if (holds !== undefined)
            defaults[file] = holds;
    }
    return defaults;
}
/** The store entries that may hold the builder: `current`, `defaults/*`, and the groups its refs point to. */
async function readStoreSnapshot(storeDir, name) {
    const defaults = await readDefaults(storeDir);
    const groups = {};
    for (const spelling of new Set([name.toLowerCase(), name])) {
        const refsDir = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'refs', spelling);
        for (const node of await list(refsDir)) {
            for (const ref of await list((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(refsDir, node))) {
                const group = jsonField(await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(refsDir, node, ref)), 'GroupRef');
                if (typeof group !== 'string' || !isStoreName(group) || group in groups)
                    continue;
                const refs = jsonField(await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'refs', '__group__', group)), 'Refs');
                if (Array.isArray(refs))
                    groups[group] = refs.filter((item) => typeof item === 'string');
            }
        }
    }
    return { current: await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'current')), defaults, groups };
}
/** A field of a store file's JSON object; undefined when there is no file or it is not JSON. */
function jsonField(text, field) {
    if (text === undefined || text === null)
        return undefined;
    try {
        return JSON.parse(text)[field];
    }
    catch {
        return undefined;
    }
}
/** A directory's entries; none when it is not there (or not readable). */
function list(dir) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir).catch(() => []);
}


/***/ })

};
