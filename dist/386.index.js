export const id = 386;
export const ids = [386];
export const modules = {

/***/ 5386:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   recordWarmBuilder: () => (/* binding */ recordWarmBuilder),
/* harmony export */   reuseWarmBuilder: () => (/* binding */ reuseWarmBuilder)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1938);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _host_builder_builder_lease_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5742);
/* harmony import */ var _host_builder_buildx_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9748);
/* harmony import */ var _host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7643);
/* harmony import */ var _inputs_input_error_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9354);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8431);
/* harmony import */ var _plan_builder_fingerprint_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(6693);









/**
 * Before the create, the job holding the lease: reuses the warm builder when it is the one the
 * plan would create (`recordBuilder` records it for post first), and says so (true); else says why
 * it is replaced (false). A builder another running job holds is never replaced: that is an InputError.
 */
async function reuseWarmBuilder(fingerprint, inputs, lease, recordBuilder) {
    const { name, endpoint } = inputs.builder;
    const others = await (0,_host_builder_builder_lease_js__WEBPACK_IMPORTED_MODULE_3__/* .otherHolders */ .ED)(lease.path, lease.holder);
    const warm = await (0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .readWarmRecord */ .FC)((0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .warmRecordPath */ .wg)(lease.path));
    const container = await (0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .buildkitContainerState */ .zv)(name, endpoint || undefined);
    const changed = warm ? (0,_plan_builder_fingerprint_js__WEBPACK_IMPORTED_MODULE_8__/* .changedParts */ .Ty)(warm.fingerprint, fingerprint) : [];
    const known = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,_paths_js__WEBPACK_IMPORTED_MODULE_7__/* .buildxStoreDir */ .xI)(process.env), 'instances', name.toLowerCase()));
    const why = !container
        ? undefined
        : !warm
            ? 'there is no record of the config it was created with'
            : container.id !== warm.container
                ? 'its BuildKit container is not the one recorded (made again outside this job?)'
                : !known
                    ? "buildx's store has no builder of that name"
                    : changed.length > 0
                        ? `its config changed: ${changed.join(', ')}`
                        : undefined;
    if (container && why === undefined) {
        await recordBuilder();
        await (0,_host_builder_buildx_js__WEBPACK_IMPORTED_MODULE_4__/* .reuseBuilder */ .Ac)(name, inputs.builder.use, inputs.builder.bootstrap && !container.running);
        await holdWarmBuilder(lease);
        const sharing = others.length > 0 ? `; ${others.length} other running job(s) hold it too` : '';
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Reusing the warm builder ${name} (BuildKit container ${container.id.slice(0, 12)}): its config is this ` +
            `job's, so it keeps its cache${container.running ? ' and needs no boot' : ''}${sharing}.`);
        return true;
    }
    if (others.length > 0)
        throw new _inputs_input_error_js__WEBPACK_IMPORTED_MODULE_6__/* .InputError */ .dz('name', `the warm builder '${name}' would be replaced (${why ?? 'it is gone'}), and ${others.length} job(s) still ` +
            `running hold it (${others.map(other => other.job).join('; ')})`, 'give this job the same inputs as theirs to share it, or another `name`; once they end, a job replaces it');
    if (why)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Replacing the warm builder ${name}: ${why}.`);
    return false;
}
/** After the create: records what the builder was created with, and holds it. */
async function recordWarmBuilder(fingerprint, inputs, lease) {
    const { name, endpoint } = inputs.builder;
    const container = await (0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .buildkitContainerState */ .zv)(name, endpoint || undefined);
    // Not booted (`bootstrap: false`): no container yet to name; the next job replaces it.
    if (container)
        await (0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .writeWarmRecord */ .mE)((0,_host_builder_warm_builder_js__WEBPACK_IMPORTED_MODULE_5__/* .warmRecordPath */ .wg)(lease.path), { fingerprint, container: container.id });
    await holdWarmBuilder(lease);
}
/** Counted among the builder's holders until post, the lease is free for the next job's main. */
async function holdWarmBuilder(lease) {
    await (0,_host_builder_builder_lease_js__WEBPACK_IMPORTED_MODULE_3__/* .joinHolders */ .y8)(lease.path, lease.holder);
    await (0,_host_builder_builder_lease_js__WEBPACK_IMPORTED_MODULE_3__/* .yieldLease */ .Ki)(lease.path, lease.holder);
}


/***/ })

};
