export const id = 177;
export const ids = [177];
export const modules = {

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
    await (0,_file_undo_js__WEBPACK_IMPORTED_MODULE_2__/* .putBack */ .pK)(installed, _file_access_js__WEBPACK_IMPORTED_MODULE_1__.directAccess);
    return [];
}


/***/ })

};
