export const id = 4;
export const ids = [4];
export const modules = {

/***/ 7004:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   mergeBuilderSide: () => (/* binding */ mergeBuilderSide),
/* harmony export */   readBuilderSide: () => (/* binding */ readBuilderSide)
/* harmony export */ });
/* unused harmony exports networkText, diagnoseFromBuilder */
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(182);
/* harmony import */ var _verdict_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(554);
/* harmony import */ var _untrusted_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8521);



/**
 * Reads `busybox timeout -s KILL … busybox nc -w … HOST PORT -e busybox true` run in the BuildKit
 * container: nc says `bad address 'NAME'` for a name that does not resolve and `can't connect to
 * remote host (ADDRESS): …` for a refused or timed-out connection, and exits 0 once connected (the
 * `-e` program ends it). Killed by `timeout` (137), the lookup or the connection hung. Anything
 * else is `docker exec` failing: no running container, or no busybox in its image.
 */
function readBuilderSide(exitCode, stderr, timeoutSeconds) {
    // busybox nc's words, from inside the BuildKit container: shown neutralized.
    const words = (0,_untrusted_text_js__WEBPACK_IMPORTED_MODULE_0__/* .neutralizeUntrustedLine */ .gK)(stderr.trim().split('\n').pop() ?? '');
    if (exitCode === 0)
        return { stage: 'done', detail: '' };
    if (/bad address/.test(stderr))
        return { stage: 'resolve', detail: words };
    if (/can't connect/.test(stderr))
        return { stage: 'connect', detail: words };
    if (exitCode === 137)
        return { stage: 'connect', detail: `no answer within ${timeoutSeconds} s: the DNS lookup or the connection hung` };
    return { stage: 'unchecked', detail: words || `exit code ${exitCode}` };
}
/** What the builder is on, for messages: `network=host`, or the daemon's default bridge. */
function networkText(network) {
    return network === undefined ? "on the Docker daemon's default bridge network" : `network=${network}`;
}
/**
 * The verdict once the builder's side is known: a registry that answered this step but that the
 * builder cannot resolve or connect to fails, with the fix; a verdict that already failed stays
 * (this step's words come first). Without a look from the builder's side, a registry the plan
 * knows the user's network misses (`finding`) fails too. Pure.
 */
function diagnoseFromBuilder(registry, verdict, facts, finding, network) {
    if (!verdict.ok)
        return verdict;
    const builder = `the builder (${networkText(network)})`;
    const name = registry.host.hostname;
    const fix = finding?.fix ??
        (network === undefined
            ? `give ${name} a DNS record the Docker daemon's containers resolve, or put the builder on ` +
                `a network where it resolves (\`network=\` in \`driver-opts\`; \`network=host\` shares this runner's)`
            : `choose a network where ${name} resolves (\`network=\` in \`driver-opts\`; ` +
                `\`network=host\` shares this runner's), or check the host on ${(0,_model_js__WEBPACK_IMPORTED_MODULE_1__/* .whereConfigured */ .Ux)(registry)}`);
    if (facts?.stage === 'resolve')
        return (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .failed */ .g)('builder-unresolved', `${builder} does not resolve ${name}, which this step reached (${facts.detail})`, fix);
    if (facts?.stage === 'connect')
        return (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .failed */ .g)('builder-unreachable', `${builder} resolves ${name} but cannot connect, though this step did (${facts.detail})`, fix);
    if (facts?.stage !== 'done' && finding)
        return (0,_verdict_js__WEBPACK_IMPORTED_MODULE_2__/* .failed */ .g)('builder-unresolved', finding.message, finding.fix);
    return verdict;
}
/**
 * The results with the builder's side merged in (diagnoseFromBuilder), in the same order: the
 * topology says the builder's network and what the plan knows it will miss there. Pure.
 */
function mergeBuilderSide(results, registries, looks, { findings, network }) {
    return results.map(result => {
        const registry = registries.find(candidate => candidate.host.text === result.host);
        if (!registry)
            return result;
        const finding = findings.find(candidate => candidate.host === result.host);
        return { ...result, ...diagnoseFromBuilder(registry, result, looks.get(result.host), finding, network) };
    });
}


/***/ }),

/***/ 554:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ passed),
/* harmony export */   g: () => (/* binding */ failed)
/* harmony export */ });
// What a diagnosis says of a registry: the kinds of verdict, and the verdict itself. A leaf of
// preflight/ that each diagnosis (registry, proxy, login, the builder's side) builds on.
/** A verdict that a build through the registry would fail, with the fix. */
function failed(kind, message, fix) {
    return { ok: false, kind, message, fix };
}
/** A verdict that a build through the registry would work; `fix`, when something is still worth changing. */
function passed(kind, message, fix = '') {
    return { ok: true, kind, message, fix };
}


/***/ })

};
