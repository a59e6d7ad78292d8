export const id = 755;
export const ids = [755];
export const modules = {

/***/ 9755:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   dialFromBuilder: () => (/* binding */ dialFromBuilder)
/* harmony export */ });
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4793);

/**
 * Resolves and connects to each target from inside the BuildKit container, with the busybox `nc`
 * and `timeout` of moby/buildkit's Alpine image (and of any busybox-based one): the container's
 * own /etc/hosts, DNS and routes, which buildkitd dials with. One `docker exec` per target, all at
 * once; `timeout` ends a lookup or connection that hangs. Never throws:
 * preflight/builder-diagnosis.ts reads each answer.
 */
async function dialFromBuilder(side, targets, timeoutSeconds) {
    const wait = Math.max(1, Math.ceil(timeoutSeconds));
    const answers = await Promise.all(targets.map(async (target) => {
        const args = [
            ...(side.context ? ['--context', side.context] : []),
            'exec',
            side.container,
            // Through `busybox`: images link few of its applets (timeout and nc are often not).
            ...['busybox', 'timeout', '-s', 'KILL', String(wait + 2)],
            // `-e PROG` (last) runs PROG once connected: `true` ends it at once, whatever the server does.
            ...['busybox', 'nc', '-w', String(wait), target.hostname, String(target.port), '-e', 'busybox', 'true']
        ];
        return [target.key, await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_0__/* .tryCommand */ .HQ)('docker', args)];
    }));
    return new Map(answers);
}


/***/ })

};
