export const id = 640;
export const ids = [640];
export const modules = {

/***/ 640:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   restoreClientTrust: () => (/* binding */ restoreClientTrust)
/* harmony export */ });
/* unused harmony exports readRunnerRoots, installClientTrust */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(938);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(160);




/** The bundles Go's crypto/x509 looks for on Linux, in its order (root_linux.go), when SSL_CERT_FILE is unset. */
const SYSTEM_BUNDLES = (/* unused pure expression or super */ null && ([
    '/etc/ssl/certs/ca-certificates.crt',
    '/etc/pki/tls/certs/ca-bundle.crt',
    '/etc/ssl/ca-bundle.pem',
    '/etc/pki/tls/cacert.pem',
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    '/etc/ssl/cert.pem'
]));
/**
 * The roots the runner trusts now: SSL_CERT_FILE's file, else the system bundle; undefined when neither is readable.
 */
function readRunnerRoots(env) {
    const candidates = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : SYSTEM_BUNDLES;
    for (const path of candidates) {
        try {
            return { path, pem: readFileSync(path, 'utf8') };
        }
        catch {
            // Go skips a missing bundle too and reads the certificate directories.
        }
    }
    return undefined;
}
/**
 * Writes the bundle (the runner's roots plus the registries' CAs) into the job directory and
 * exports SSL_CERT_FILE naming it; for mTLS registries also BUILDKIT_NO_CLIENT_TOKEN=1. `save`
 * runs before anything is exported. Says in the log what it exported and why.
 */
async function installClientTrust(plan, env, save) {
    const record = {};
    if (plan.extraCas !== '')
        record.sslCertFileBefore = env.SSL_CERT_FILE || plan.rootsPath || '';
    if (plan.mtlsHosts.length > 0)
        record.noClientTokenBefore = env.BUILDKIT_NO_CLIENT_TOKEN ?? '';
    save(record);
    if (plan.extraCas !== '') {
        await createFile(plan.bundlePath, plan.bundle, { mode: PUBLIC_FILE_MODE });
        core.exportVariable('SSL_CERT_FILE', plan.bundlePath);
        const base = plan.rootsPath ? `the runner's roots (${plan.rootsPath})` : 'no system bundle (none found)';
        core.info(`Exported SSL_CERT_FILE=${plan.bundlePath} for later steps: ${base} plus ${bundleCas(plan)}. ` +
            'buildx fetches registry tokens and `docker buildx imagetools` talks to registries on the runner, ' +
            "with the runner's trust, not the builder's. The post step points SSL_CERT_FILE back.");
    }
    if (plan.mtlsHosts.length > 0) {
        core.exportVariable('BUILDKIT_NO_CLIENT_TOKEN', '1');
        const wants = plan.mtlsHosts.length === 1 ? 'wants' : 'want';
        core.info(`Exported BUILDKIT_NO_CLIENT_TOKEN=1 for later steps: ${plan.mtlsHosts.join(', ')} ${wants} ` +
            'a client certificate, ' +
            "which buildx's own token requests cannot present; BuildKit then fetches every registry token itself, " +
            "with each registry's CA and keypair from buildkitd.toml (buildx shares the credentials with the builder " +
            'for that).');
    }
}
/**
 * Post: the variables back as they were before the job (a variable exported once cannot be unset,
 * so SSL_CERT_FILE names the runner's own bundle again rather than the removed one). Only the post
 * steps of actions that started before this one run after it.
 */
function restoreClientTrust(record) {
    const restored = Object.entries({
        SSL_CERT_FILE: record.sslCertFileBefore,
        BUILDKIT_NO_CLIENT_TOKEN: record.noClientTokenBefore
    }).filter((variable) => variable[1] !== undefined);
    for (const [name, before] of restored)
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .exportVariable */ .dN(name, before);
    const list = restored.map(([name, before]) => `${name}=${before}`).join(', ');
    _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(`For the steps after this one: ${list}, as before the job.`);
}
/** What the bundle adds to the runner's roots, for the log. */
function bundleCas(plan) {
    const listed = plan.caHosts.length > 0 ? `the CA of ${plan.caHosts.join(', ')}` : '';
    const everywhere = plan.everywhere ? 'the ca-cert CAs for every host (ca-cert-scope: all)' : '';
    return [listed, everywhere].filter(part => part !== '').join(' and ');
}


/***/ })

};
