export const id = 622;
export const ids = [622];
export const modules = {

/***/ 622:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readBuilderSelection: () => (/* binding */ readBuilderSelection),
/* harmony export */   restoreBuilderSelection: () => (/* binding */ restoreBuilderSelection)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8431);
/* harmony import */ var _buildx_store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6648);




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


/***/ })

};
