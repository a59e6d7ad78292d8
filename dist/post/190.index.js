export const id = 190;
export const ids = [190];
export const modules = {

/***/ 190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   releaseLease: () => (/* binding */ releaseLease)
/* harmony export */ });
/* unused harmony exports leasePath, ownLease, isHeld, takeLease */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(431);





/** Where the lease of builder `name` lives: beside buildx's builder store, which has the same reach. */
function leasePath(name, env) {
    return join(dockerConfigDir(env), 'buildx', 'setup-buildkit-registry-leases', `${name}.json`);
}
/** A process's start time, from /proc (clock ticks since boot); undefined when it is gone or unknown. */
function processStart(pid) {
    try {
        // Field 22, counted after the command name, which is in parentheses and may hold spaces.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    catch {
        return undefined;
    }
}
/** The lease this job would take. */
function ownLease(builder, env) {
    const job = [
        env.GITHUB_REPOSITORY,
        env.GITHUB_RUN_ID && `run ${env.GITHUB_RUN_ID}`,
        env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
    ];
    return {
        builder,
        host: hostname(),
        pid: process.ppid,
        started: processStart(process.ppid) ?? '',
        job: job.filter(part => !!part).join(', ') || `process ${process.ppid}`
    };
}
/** True while the job that holds `lease` runs; a lease from another machine counts as held (nothing tells). */
function isHeld(lease) {
    if (lease.host !== hostname())
        return true;
    return lease.started !== '' && processStart(lease.pid) === lease.started;
}
function sameHolder(a, b) {
    return a.host === b.host && a.pid === b.pid && a.started === b.started;
}
async function readLease(path) {
    try {
        return JSON.parse(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8'));
    }
    catch {
        // None, or not one of ours to read: as if none.
        return undefined;
    }
}
/**
 * Takes the lease on `lease.builder` for this job: made with O_EXCL, so of two
 * jobs starting at once one wins; a lease whose job is gone is taken over.
 * Returns the job that holds it when that is another, live job.
 */
async function takeLease(path, lease) {
    await mkdir(dirname(path), { recursive: true });
    const content = `${JSON.stringify(lease)}\n`;
    try {
        await writeFile(path, content, { flag: 'wx' });
        return undefined;
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw error;
    }
    const held = await readLease(path);
    if (held && !sameHolder(held, lease) && isHeld(held))
        return held;
    await writeFile(path, content);
    return undefined;
}
/** Post: removes the lease if it is still this job's. */
async function releaseLease(path, lease) {
    const held = await readLease(path);
    if (held && sameHolder(held, lease))
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(path, { force: true });
}


/***/ })

};
