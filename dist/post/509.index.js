export const id = 509;
export const ids = [509];
export const modules = {

/***/ 509:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  restoreClientTrust: () => (/* binding */ restoreClientTrust)
});

// UNUSED EXPORTS: installClientTrust, readRunnerRoots

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
;// CONCATENATED MODULE: ./src/plan/client-trust.ts

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** undefined when no TLS registry has a CA or a keypair: nothing then changes for later steps. Pure. */
function planClientTrust(registries, dir) {
    const verified = registries.filter(registry => registry.transport === 'tls');
    const withCa = verified.filter(registry => registry.ca !== '');
    const mtlsHosts = verified.filter(registry => registry.keypair).map(registry => registry.host.text);
    if (withCa.length === 0 && mtlsHosts.length === 0)
        return undefined;
    const certificates = new Set(withCa.flatMap(registry => registry.ca.match(CERTIFICATE) ?? []));
    return {
        bundlePath: join(dir, 'ca-bundle.pem'),
        extraCas: [...certificates].map(certificate => certificate + '\n').join(''),
        caHosts: withCa.map(registry => registry.host.text),
        mtlsHosts
    };
}
/** The bundle SSL_CERT_FILE will name: the runner's roots, then the registries' CAs. Pure. */
function client_trust_bundleText(roots, extraCas) {
    const base = roots ? roots.pem.replace(/\s*$/, '\n') : '';
    return `${base}${extraCas}`;
}
/**
 * The trust a token fetch for `registry` will have. buildkitd fetches with the registry host's
 * own client (buildkit util/resolver/pool.go: newDockerAuthorizer(res[0].Client, ...)), so a
 * realm on another host is trusted with the registry's `ca` and offered its keypair. Pure.
 */
function tokenTrustFor(registry, plan, roots) {
    if (plan && plan.mtlsHosts.length > 0)
        return { fetchedBy: 'buildkitd', ca: registry.ca, keypair: registry.keypair };
    // On the runner: its roots and the bundle (as SSL_CERT_FILE will name it) are what Go trusts.
    return { fetchedBy: 'buildx', ca: plan ? client_trust_bundleText(roots, plan.extraCas) : (roots?.pem ?? '') };
}

// EXTERNAL MODULE: ./src/runner.ts
var src_runner = __webpack_require__(813);
;// CONCATENATED MODULE: ./src/host/client-trust.ts





/** The bundles Go's crypto/x509 looks for on Linux, in its order (root_linux.go), when SSL_CERT_FILE is unset. */
const SYSTEM_BUNDLES = (/* unused pure expression or super */ null && ([
    '/etc/ssl/certs/ca-certificates.crt',
    '/etc/pki/tls/certs/ca-bundle.crt',
    '/etc/ssl/ca-bundle.pem',
    '/etc/pki/tls/cacert.pem',
    '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    '/etc/ssl/cert.pem'
]));
/** The roots the runner trusts now: SSL_CERT_FILE's file, else the system bundle; undefined when neither is readable. */
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
async function installClientTrust(plan, roots, env, save) {
    const record = {};
    if (plan.extraCas !== '')
        record.sslCertFileBefore = env.SSL_CERT_FILE || roots?.path || '';
    if (plan.mtlsHosts.length > 0)
        record.noClientTokenBefore = env.BUILDKIT_NO_CLIENT_TOKEN ?? '';
    save(record);
    if (plan.extraCas !== '') {
        await writeFile(plan.bundlePath, bundleText(roots, plan.extraCas), { mode: PUBLIC_FILE_MODE, flag: 'wx' });
        await chmod(plan.bundlePath, PUBLIC_FILE_MODE);
        runner.exportVariable('SSL_CERT_FILE', plan.bundlePath);
        const base = roots ? `the runner's roots (${roots.path})` : 'no system bundle (none found)';
        runner.info(`Exported SSL_CERT_FILE=${plan.bundlePath} for later steps: ${base} plus the CA of ${plan.caHosts.join(', ')}. ` +
            'buildx fetches registry tokens and `docker buildx imagetools` talks to registries on the runner, ' +
            "with the runner's trust, not the builder's. The post step points SSL_CERT_FILE back.");
    }
    if (plan.mtlsHosts.length > 0) {
        runner.exportVariable('BUILDKIT_NO_CLIENT_TOKEN', '1');
        runner.info(`Exported BUILDKIT_NO_CLIENT_TOKEN=1 for later steps: ${plan.mtlsHosts.join(', ')} ${plan.mtlsHosts.length === 1 ? 'wants' : 'want'} a client certificate, ` +
            "which buildx's own token requests cannot present; BuildKit then fetches every registry token itself, " +
            "with each registry's CA and keypair from buildkitd.toml (buildx shares the credentials with the builder for that).");
    }
}
/**
 * Post: the variables back as they were before the job (a variable exported once cannot be unset,
 * so SSL_CERT_FILE names the runner's own bundle again rather than the removed one). Only the post
 * steps of actions that started before this one run after it.
 */
function restoreClientTrust(record) {
    const restored = [];
    if (record.sslCertFileBefore !== undefined) {
        src_runner/* exportVariable */.dN('SSL_CERT_FILE', record.sslCertFileBefore);
        restored.push(`SSL_CERT_FILE=${record.sslCertFileBefore}`);
    }
    if (record.noClientTokenBefore !== undefined) {
        src_runner/* exportVariable */.dN('BUILDKIT_NO_CLIENT_TOKEN', record.noClientTokenBefore);
        restored.push(`BUILDKIT_NO_CLIENT_TOKEN=${record.noClientTokenBefore}`);
    }
    src_runner/* info */.pq(`For the steps after this one: ${restored.join(', ')}, as before the job.`);
}


/***/ })

};
