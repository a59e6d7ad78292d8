export const id = 280;
export const ids = [280];
export const modules = {

/***/ 4280:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ hostsNeedingInsecure),
/* harmony export */   R: () => (/* binding */ certsDFiles),
/* harmony export */   realmRegistries: () => (/* binding */ realmRegistries)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(182);
/* harmony import */ var _tls_files_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6556);



/**
 * The certs.d files that make the Docker daemon trust each verified TLS
 * registry: the CA as `<id>.crt`, the keypair as `<id>.cert`/`<id>.key` (the
 * names docker looks for), all named for this job so no one else's are touched.
 */
function certsDFiles(registries, certsDir, id) {
    return registries
        .filter(registry => registry.transport === 'tls')
        .flatMap(registry => {
        const dir = (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(certsDir, registry.host.text);
        return (0,_tls_files_js__WEBPACK_IMPORTED_MODULE_1__/* .tlsFiles */ .t)({ ca: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(dir, `${id}.crt`), cert: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(dir, `${id}.cert`), key: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(dir, `${id}.key`) }, registry.ca, registry.keypair);
    });
}
/** Registries the daemon only talks to when listed in insecure-registries (it already counts loopback as insecure). */
function hostsNeedingInsecure(registries) {
    return registries
        .filter(registry => registry.transport !== 'tls' && !(0,_model_js__WEBPACK_IMPORTED_MODULE_2__/* .isLoopback */ .U9)(registry.host))
        .map(registry => registry.host.text);
}
/**
 * The token endpoints of TLS registries, as registries for certs.d: the daemon fetches tokens too,
 * so each realm's host:port gets the CA (and keypair) of the registry that named it. Realms on a
 * registry's own host:port, plain-HTTP realms and repeats are left out. Pure.
 */
function realmRegistries(registries, realms) {
    const seen = new Set(registries.map(registry => registry.host.text.toLowerCase()));
    return realms.flatMap(({ host, realm }) => {
        const registry = registries.find(entry => entry.host.text === host);
        const url = realm && URL.canParse(realm) ? new URL(realm) : undefined;
        if (!registry || registry.transport !== 'tls' || url?.protocol !== 'https:')
            return [];
        if (seen.has(url.host.toLowerCase()))
            return [];
        seen.add(url.host.toLowerCase());
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        return [
            {
                ...registry,
                host: { text: url.host, hostname, port: url.port === '' ? undefined : Number(url.port) },
                written: []
            }
        ];
    });
}


/***/ })

};
