export const id = 177;
export const ids = [177];
export const modules = {

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
    await _file_access_js__WEBPACK_IMPORTED_MODULE_1__.directAccess.writeFile(path, toml, { mode: _model_js__WEBPACK_IMPORTED_MODULE_3__/* .PUBLIC_FILE_MODE */ .tF });
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
