export const id = 54;
export const ids = [54];
export const modules = {

/***/ 54:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   removeContext: () => (/* binding */ removeContext)
/* harmony export */ });
/* unused harmony exports defaultContextHasTls, createContextFromDefault */
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(805);

/** Whether the default Docker context talks to its daemon with TLS data (its endpoint's TLSData or TLS material). */
async function defaultContextHasTls() {
    const result = await tryCommand('docker', ['context', 'inspect', '--format', '{{json .}}', 'default']);
    if (result.exitCode !== 0)
        return false;
    const context = JSON.parse(result.stdout);
    const endpoints = Object.values(context.Endpoints ?? {});
    const material = Object.values(context.TLSMaterial ?? {});
    return endpoints.some(endpoint => endpoint?.TLSData != null) || material.some(files => (files?.length ?? 0) > 0);
}
/** Creates context `name` from the current (default) one: its endpoint, TLS material included. */
async function createContextFromDefault(name) {
    await runCommand('docker', ['context', 'create', name]);
}
/** Removes context `name`; false when it was already gone. */
async function removeContext(name) {
    const result = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_0__/* .tryCommand */ .HQ)('docker', ['context', 'rm', '--force', name]);
    if (result.exitCode === 0)
        return true;
    if (/not found|does not exist/i.test(result.stderr))
        return false;
    throw new _process_command_js__WEBPACK_IMPORTED_MODULE_0__/* .CommandError */ .Qd(`docker context rm --force ${name}`, result.exitCode, result.stderr);
}


/***/ })

};
