export const id = 327;
export const ids = [327];
export const modules = {

/***/ 327:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   stopStrayCommand: () => (/* binding */ stopStrayCommand)
/* harmony export */ });
/* unused harmony export findOnPath */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);



/** The first `command` on PATH that this user may run; undefined when there is none. */
function findOnPath(command, env) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(dir => dir !== '')) {
        try {
            accessSync(join(dir, command), constants.X_OK);
            return join(dir, command);
        }
        catch {
            // Not in this directory.
        }
    }
    return undefined;
}
/** The command line of process `pid`, joined by spaces; undefined when it is gone (or no /proc). */
function commandLine(pid) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    }
    catch {
        return undefined;
    }
}
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/**
 * Stops a command main started that outlived it (main was killed before it
 * could stop it), if `pid` is still that command: its command line must name
 * `mark` (the builder), so a reused pid is never touched. SIGTERM, then
 * SIGKILL after `graceMs`. True when there was one to stop.
 */
async function stopStrayCommand(pid, mark, graceMs) {
    const isIt = () => commandLine(pid)?.includes(mark) ?? false;
    if (!isIt())
        return false;
    const signal = (name) => {
        try {
            process.kill(pid, name);
        }
        catch {
            // Gone meanwhile.
        }
    };
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isIt() && Date.now() < deadline)
        await sleep(50);
    if (isIt())
        signal('SIGKILL');
    while (isIt())
        await sleep(50);
    return true;
}


/***/ })

};
