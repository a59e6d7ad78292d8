export const id = 471;
export const ids = [471];
export const modules = {

/***/ 4471:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   daemonBuilderReport: () => (/* binding */ daemonBuilderReport)
/* harmony export */ });
/* harmony import */ var _inputs_read_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8907);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7948);


/**
 * `driver: docker`: the builder is the daemon's own BuildKit, which takes no buildkitd.toml and
 * no flags. What the inputs ask for that reaches it, and what cannot (each a warning), for the
 * log. Pure. readInputs has already refused mirrors, and registries without `trust-docker-daemon`.
 */
function daemonBuilderReport(inputs, registries, append) {
    const { config, builder, host } = inputs;
    const applies = [
        `driver: docker: the builder is the Docker daemon's own (${builder.name}, the current Docker context); nothing is created and post removes nothing.`
    ];
    for (const registry of registries) {
        const how = registry.transport === 'tls'
            ? `TLS through the daemon's certs.d/${registry.host.text}/ (CA${registry.keypair ? ' and client keypair' : ''})`
            : (0,_model_js__WEBPACK_IMPORTED_MODULE_1__/* .isLoopback */ .U9)(registry.host)
                ? `${registry.mode}: the daemon already treats loopback registries as insecure`
                : host.daemonTrust === 'restart'
                    ? `${registry.mode}: through insecure-registries in daemon.json (reloaded)`
                    : `${registry.mode}: needs insecure-registries, which only \`trust-docker-daemon: restart\` adds`;
        applies.push(`${registry.host.text}: ${how}.`);
    }
    if (host.credentials.length > 0)
        applies.push('Credentials go to the Docker client config, which buildx hands to the daemon’s builder.');
    const ignored = [];
    if (config.maxParallelism !== undefined)
        ignored.push('`max-parallelism`');
    if (config.debug)
        ignored.push('`debug`');
    if (config.baseConfig)
        ignored.push(`\`${config.baseConfig.input}\``);
    if (builder.driverOpts.length > 0)
        ignored.push('`driver-opts`');
    if (builder.buildkitdFlags !== _inputs_read_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_BUILDKITD_FLAGS */ .Ji)
        ignored.push('`buildkitd-flags`');
    if (builder.platforms.length > 0)
        ignored.push('`platforms`');
    if (builder.endpoint !== '')
        ignored.push('`endpoint`');
    if (append.length > 0)
        ignored.push('`append`');
    const cannot = ignored.length === 0
        ? []
        : [
            `driver: docker: ${ignored.join(', ')} cannot apply: the daemon's builder takes no buildkitd.toml, flags, driver options, platforms or extra nodes (use driver: docker-container for them).`
        ];
    return { applies, cannot };
}


/***/ })

};
