export const id = 48;
export const ids = [48];
export const modules = {

/***/ 7048:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  enforcePreflight: () => (/* binding */ enforcePreflight),
  reportPreflight: () => (/* binding */ reportPreflight),
  runPreflight: () => (/* binding */ runPreflight)
});

// UNUSED EXPORTS: PreflightError

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(182);
// EXTERNAL MODULE: ./src/preflight/tls-errors.ts
var tls_errors = __webpack_require__(1956);
;// CONCATENATED MODULE: ./src/preflight/diagnosis.ts


/** Turns what a probe saw into a verdict and the input that fixes it. Pure. */
function diagnose(registry, facts, timeoutSeconds) {
    const where = (0,model/* whereConfigured */.Ux)(registry);
    const defaultPort = registry.host.port !== undefined ? '' : ` (no port given, so ${(0,model/* portOf */.HM)(registry.host, registry.transport)})`;
    const checkHostPort = `check the host and port on ${where}${defaultPort}`;
    const viaProxy = facts.proxy || facts.error?.code === 'EPROXYCGI'
        ? diagnoseProxy(registry, facts, timeoutSeconds, checkHostPort)
        : undefined;
    if (viaProxy)
        return viaProxy;
    const verdict = diagnoseRegistry(registry, facts, timeoutSeconds, where, checkHostPort);
    // An answer that came through the proxy says so: the builder goes the same way.
    return facts.proxy ? { ...verdict, message: `${verdict.message} (through the proxy ${facts.proxy})` } : verdict;
}
/**
 * What went wrong on the way through the proxy, before the registry could answer: the proxy
 * itself unreachable or refusing, or the registry unreachable from it. undefined: the registry
 * answered through it (or failed in TLS or HTTP), for diagnoseRegistry.
 */
function diagnoseProxy(registry, facts, timeoutSeconds, checkHostPort) {
    const proxy = facts.proxy ?? '';
    const failed = (kind, message, fix) => ({ ok: false, kind, message, fix });
    const variable = /\((\w+)\)$/.exec(proxy)?.[1] ?? 'HTTPS_PROXY';
    const exempt = `or list ${registry.host.hostname} in NO_PROXY if the runner and the builder reach it directly`;
    if (facts.error?.code === 'EPROXYCGI')
        return failed('proxy-refused', `HTTP_PROXY is refused: ${facts.error.message}`, "unset REQUEST_METHOD in the job's environment (Go takes it for a CGI request)");
    // Never `ok` for what was not looked at: a build may still fail there. Under `preflight: warn` (the
    // default) this is an annotation, not a failure.
    if (facts.error?.code === 'EPROXYSCHEME')
        return failed('proxy-unsupported', `not checked: ${facts.error.message} (${proxy}), which BuildKit goes through`, `check the registry through that proxy yourself, and keep \`preflight: warn\` (or set \`preflight: off\`), ${exempt}`);
    if (facts.stage === 'resolve' || facts.stage === 'connect') {
        const what = facts.timedOut
            ? `got no answer within ${timeoutSeconds} s`
            : facts.stage === 'resolve'
                ? `does not resolve (${facts.error?.code})`
                : facts.error?.code === 'ECONNREFUSED'
                    ? 'refused the connection'
                    : `failed: ${facts.error?.message}`;
        return failed('proxy-unreachable', `unreachable: the proxy ${proxy} ${what}`, `check ${variable} on the runner (the builder gets the same), ${exempt}`);
    }
    if (facts.stage !== 'proxy' || !facts.error)
        return undefined;
    const status = facts.proxyStatus;
    if (status === 407)
        return failed('proxy-refused', `the proxy ${proxy} wants credentials (407 Proxy Authentication Required)`, `put the proxy's user and password in ${variable} (http://USER:PASSWORD@HOST:PORT), or check them`);
    if (status === 502 || status === 503 || status === 504)
        return failed('unreachable', `unreachable through the proxy ${proxy}: it answered ${status} for ${registry.host.text}`, `${checkHostPort}, and that the proxy can reach it (${exempt})`);
    if (status !== undefined)
        return failed('proxy-refused', `the proxy ${proxy} refused ${registry.host.text} (${status})`, `have the proxy allow ${registry.host.text}, ${exempt}`);
    if (facts.timedOut)
        return failed('unreachable', `unreachable through the proxy ${proxy}: no tunnel to ${registry.host.text} within ${timeoutSeconds} s`, `${checkHostPort}, and that the proxy can reach it (${exempt})`);
    return failed('proxy-refused', `the proxy ${proxy} failed: ${facts.error.message}`, `check ${variable} on the runner, ${exempt}`);
}
/** The registry's own answer (or silence), reached directly or through the proxy. */
function diagnoseRegistry(registry, facts, timeoutSeconds, where, checkHostPort) {
    const addOption = (option) => addOptionFor(registry, option);
    const code = facts.error ? `${facts.error.code} ${facts.error.message}` : '';
    const failed = (kind, message, fix) => ({ ok: false, kind, message, fix });
    if (facts.timedOut && facts.stage !== 'http') {
        const what = {
            resolve: 'the DNS lookup',
            connect: 'the connection (DNS lookup and TCP connect)',
            tls: 'the TLS handshake (the port accepts connections but does not answer)'
        }[facts.stage];
        return failed('unreachable', `unreachable: ${what} got no answer within ${timeoutSeconds} s (i/o timeout)`, `${checkHostPort}, and that the runner can reach it`);
    }
    if (facts.stage === 'resolve')
        return failed('unreachable', `unreachable: ${registry.host.hostname} does not resolve (${facts.error?.code})`, checkHostPort);
    if (facts.stage === 'connect')
        return failed('unreachable', `unreachable: ${facts.error?.code === 'ECONNREFUSED' ? 'connection refused' : facts.error?.message}`, checkHostPort);
    if (/UNRECOGNIZED_NAME|unrecognized name/i.test(code)) {
        return failed('unrecognized-name', `TLS alert \`unrecognized name\`: the server has no certificate for ${registry.host.hostname}`, `use the name the server serves on ${where}`);
    }
    if ((0,tls_errors/* isClientCertAlert */.cq)(code)) {
        return facts.sentClientCert
            ? failed('client-cert-rejected', `the registry rejected the client certificate (${facts.error?.code})`, 'pass in `client-cert` and `client-key` a keypair issued by a CA the registry trusts')
            : failed('client-cert-required', `the registry requires a client certificate (${facts.error?.code})`, 'pass `client-cert` and `client-key`');
    }
    if (facts.answersPlainHttp) {
        return failed('http-registry', 'this is an HTTP registry: it answered plain HTTP, not TLS (BuildKit: "server gave HTTP response to HTTPS client")', addOption('http'));
    }
    if (facts.answersTls) {
        return failed('tls-registry', 'it speaks TLS, but is listed as `http`', `remove \`http\` from ${where}`);
    }
    if (facts.stage === 'tls') {
        return failed('tls-failed', `the TLS handshake failed: ${facts.error?.message}`, checkHostPort);
    }
    const certificateProblem = facts.verifyError ? explainCertificate(registry, facts, where) : undefined;
    if (certificateProblem && registry.transport !== 'insecure')
        return certificateProblem;
    const answer = describeAnswer(facts, timeoutSeconds);
    if (!answer.ok)
        return failed('not-a-registry', answer.text, `check the host and port on ${where}: a registry answers GET /v2/ with 200, or 401 asking for credentials`);
    const note = certificateProblem ? `; certificate not verified (\`insecure\`): ${certificateProblem.message}` : '';
    return { ok: true, kind: 'registry', message: `${answer.text}${note}`, fix: '' };
}
/** The fix that adds an option: on the registry's own line, or a new `registries` line for a mirror. */
function addOptionFor(registry, option) {
    return registry.source === 'registries'
        ? `add \`${option}\` to line ${registry.line} of \`registries\``
        : `list it in \`registries\` as \`${registry.host.text} ${option}\``;
}
function explainCertificate(registry, facts, where) {
    const addOption = (option) => addOptionFor(registry, option);
    const certificate = facts.certificate;
    const verifyError = facts.verifyError ?? '';
    const failed = (kind, message, fix) => ({ ok: false, kind, message, fix });
    if ((0,tls_errors/* isUnknownAuthority */.c2)(verifyError)) {
        const trusted = registry.ca ? 'the CA in `ca-cert`/`ca=` did not sign it' : 'no `ca-cert` was given';
        return failed('unknown-authority', `x509: certificate signed by unknown authority (${verifyError}; ${trusted})`, `pass its CA in \`ca-cert\` (or ${addOption('ca=PATH')}), or ${addOption('insecure')} for throwaway setups`);
    }
    if (verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        const names = certificate?.names.map(name => name.replace(/^(DNS|IP Address):/, '')).join(', ') || 'no subjectAltName';
        return failed('wrong-name', `x509: certificate is valid for ${names}, not ${registry.host.hostname}`, `use one of those names on ${where}, or reissue the certificate for ${registry.host.hostname} (for localhost-only setups, ${addOption('insecure')})`);
    }
    if (verifyError === 'CERT_HAS_EXPIRED') {
        return failed('expired', `x509: certificate has expired: valid from ${certificate?.validFrom} until ${certificate?.validTo}`, "renew the registry's certificate (check the runner's clock too)");
    }
    if (verifyError === 'CERT_NOT_YET_VALID') {
        return failed('not-yet-valid', `x509: certificate is not yet valid: valid from ${certificate?.validFrom} until ${certificate?.validTo}`, 'check the clocks of the registry and the runner, or reissue the certificate');
    }
    return failed('tls-failed', `the certificate does not verify (${verifyError})`, `pass its CA in \`ca-cert\`, or check the certificate the registry serves on ${where}`);
}
function describeAnswer(facts, timeoutSeconds) {
    if (facts.timedOut)
        return { ok: false, text: `connected, but GET /v2/ got no answer within ${timeoutSeconds} s (i/o timeout)` };
    if (!facts.answer)
        return { ok: false, text: `connected, but GET /v2/ got no HTTP answer (${facts.error?.message})` };
    const { status, wwwAuthenticate, contentType } = facts.answer;
    if (status === 200)
        return { ok: true, text: 'a registry answered (GET /v2/: 200)' };
    if (status === 401 && wwwAuthenticate)
        return {
            ok: true,
            text: 'a registry answered (GET /v2/: 401, credentials needed: log in with docker/login-action)'
        };
    return {
        ok: false,
        text: `GET /v2/ answered ${status}${contentType ? ` (${contentType})` : ''}, not as a registry API root`
    };
}

;// CONCATENATED MODULE: ./src/preflight/auth-diagnosis.ts


/**
 * Turns what logging in saw into a verdict and the input that fixes it. Messages name the realm
 * and the username, never a password or a token. Pure.
 */
function diagnoseAuth(registry, facts, credential, tokenTrust, timeoutSeconds) {
    const host = registry.host.text;
    // A realm reached through a proxy is named with it (without its credentials).
    const realm = `${facts.realm ?? '(no realm)'}${facts.realmProxy ? ` (through the proxy ${facts.realmProxy})` : ''}`;
    const failed = (kind, message, fix) => ({
        ok: false,
        kind,
        message,
        fix
    });
    const passCredentials = `pass \`username\` and \`password\` (or a \`credentials\` line ${host}=USERNAME:PASSWORD), or log in (docker/login-action) before this step`;
    const who = credential ? `${credential.username} (from ${credential.from})` : '';
    const code = facts.error ? `${facts.error.code} ${facts.error.message}` : '';
    if (facts.scheme === 'basic') {
        if (!credential) {
            const message = 'no credentials for it: it asks for basic auth (GET /v2/: 401)';
            return (0,model/* isMirrorOnly */.Mj)(registry)
                ? {
                    ok: true,
                    kind: 'credentials-missing',
                    message: `${message}; pulls through it will fail`,
                    fix: passCredentials
                }
                : failed('credentials-missing', message, passCredentials);
        }
        if (facts.error)
            return failed('token-failed', `GET /v2/ with the credentials of ${who} failed: ${code}`, '');
        if (facts.registryStatus === 200)
            return {
                ok: true,
                kind: 'credentials-accepted',
                message: `credentials of ${who} accepted (GET /v2/: 200)`,
                fix: ''
            };
        return failed('credentials-rejected', `the registry rejected the credentials of ${who} (GET /v2/: ${facts.registryStatus})`, `check the username and password in ${credential.from}`);
    }
    const fetcher = tokenTrust.fetchedBy === 'buildx'
        ? 'buildx fetches tokens on the runner, trusting the system roots plus `ca-cert` and every `ca=`'
        : "BuildKit fetches tokens itself (BUILDKIT_NO_CLIENT_TOKEN, for mTLS registries), trusting the registry's own CA";
    if (facts.timedOut)
        return failed('token-unreachable', `token endpoint ${realm} got no answer within ${timeoutSeconds} s`, `the runner and the builder must reach the realm the registry announces: check its token service's external URL`);
    if (facts.error?.code === 'ERR_INVALID_URL')
        return failed('token-failed', `the registry announces no usable token realm (${realm})`, "check the registry's token auth settings (realm)");
    if (facts.error && facts.stage === 'token-tls' && (0,tls_errors/* isClientCertAlert */.cq)(code)) {
        return facts.sentClientCert
            ? failed('token-client-cert', `token endpoint ${realm} rejected the client certificate (${facts.error.code})`, 'pass in `client-cert` and `client-key` a keypair the token endpoint trusts')
            : failed('token-client-cert', `token endpoint ${realm} requires a client certificate (${facts.error.code}), which buildx's token requests cannot present`, 'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them (BUILDKIT_NO_CLIENT_TOKEN)');
    }
    if (facts.error && facts.stage === 'token-tls') {
        const untrusted = (0,tls_errors/* isUnknownAuthority */.c2)(code);
        return failed('token-untrusted', untrusted
            ? `token endpoint ${realm}: x509: certificate signed by unknown authority (${facts.error.code}); ${fetcher}`
            : `token endpoint ${realm}: the certificate does not verify (${facts.error.code}: ${facts.error.message})`, untrusted
            ? tokenTrust.fetchedBy === 'buildx'
                ? `pass the CA that signed ${new URL(facts.realm ?? '').host}'s certificate in \`ca-cert\``
                : `pass the CA that signed ${new URL(facts.realm ?? '').host}'s certificate in \`ca-cert\` (or \`ca=\` on ${(0,model/* whereConfigured */.Ux)(registry)})`
            : `check the certificate the token endpoint serves, or pass its CA in \`ca-cert\``);
    }
    if (facts.error && (facts.stage === 'token-connect' || facts.stage === 'token-tls'))
        return failed('token-unreachable', `token endpoint ${realm} unreachable (${facts.error.code === 'ECONNREFUSED' ? 'connection refused' : code})`, `the runner and the builder must reach the realm the registry announces: check its token service's external URL`);
    if (facts.error)
        return failed('token-failed', `logging in through ${realm} failed at ${facts.stage}: ${code}`, '');
    if (facts.tokenStatus !== 200) {
        if (credential && (facts.tokenStatus === 401 || facts.tokenStatus === 403))
            return failed('credentials-rejected', `token endpoint ${realm} rejected the credentials of ${who} (${facts.tokenStatus})`, `check the username and password in ${credential.from}`);
        if (!credential)
            return failed('credentials-missing', `no credentials for it, and token endpoint ${realm} gives no anonymous token (${facts.tokenStatus})`, passCredentials);
        return failed('token-failed', `token endpoint ${realm} answered ${facts.tokenStatus} without a token`, '');
    }
    if (facts.registryStatus !== 200)
        return failed('token-refused', `token endpoint ${realm} granted a token, but the registry refused it (GET /v2/: ${facts.registryStatus})`, "the registry's token settings (issuer, service, signing certificate) do not match its token service");
    if (!credential) {
        const message = `no credentials for it: token endpoint ${realm} grants only an anonymous token`;
        return (0,model/* isMirrorOnly */.Mj)(registry)
            ? { ok: true, kind: 'credentials-missing', message: `${message} (enough for public pulls)`, fix: '' }
            : failed('credentials-missing', `${message}, which cannot push`, passCredentials);
    }
    return {
        ok: true,
        kind: 'token-granted',
        message: `token granted by ${realm} for ${who}, accepted by the registry`,
        fix: ''
    };
}

// EXTERNAL MODULE: ./src/preflight/auth-probe.ts + 1 modules
var auth_probe = __webpack_require__(8855);
// EXTERNAL MODULE: ./src/preflight/challenge.ts
var preflight_challenge = __webpack_require__(9570);
// EXTERNAL MODULE: ./src/preflight/probe.ts
var probe = __webpack_require__(3205);
;// CONCATENATED MODULE: ./src/preflight/preflight.ts







/**
 * Probes every registry and mirror at once, so the whole check costs about
 * one timeout however many registries hang; a registry that answers 401 is
 * then logged in to, as a build will. Logs nothing, so that it can run
 * while the builder boots: reportPreflight logs the results afterwards.
 */
async function runPreflight(registries, timeoutSeconds, auth = { credentials: [], tokenTrust: new Map() }) {
    return Promise.all(registries.map(async (registry) => {
        const started = performance.now();
        const facts = await (0,probe/* probeRegistry */.k)(registry, timeoutSeconds * 1000);
        const result = { host: registry.host.text, mode: registry.mode, ms: facts.ms };
        const verdict = diagnose(registry, facts, timeoutSeconds);
        const header = facts.answer?.status === 401 ? facts.answer.wwwAuthenticate : undefined;
        if (!verdict.ok || !header)
            return { ...result, ...verdict };
        const challenge = (0,preflight_challenge/* parseChallenge */.x)(header);
        if (challenge.scheme === 'other')
            return { ...result, ...verdict };
        const credential = auth.credentials.find(entry => entry.host.toLowerCase() === registry.host.text.toLowerCase());
        const tokenTrust = auth.tokenTrust.get(registry.host.text) ?? { fetchedBy: 'buildx', ca: '' };
        const authFacts = await (0,auth_probe/* probeAuth */.P)({
            ...registry,
            challenge,
            credential,
            tokenTrust,
            scope: (0,preflight_challenge/* preflightScope */.A)((0,model/* isMirrorOnly */.Mj)(registry))
        }, started + timeoutSeconds * 1000);
        return {
            ...result,
            realm: challenge.realm,
            ...diagnoseAuth(registry, authFacts, credential, tokenTrust, timeoutSeconds),
            ms: Math.round(performance.now() - started)
        };
    }));
}
/** One line per registry, in a folded group of the log; `from`: where it looked, when not only from this step. */
function reportPreflight(results, from) {
    core/* startGroup */.Oh(`Preflight: ${results.length} ${results.length === 1 ? 'registry' : 'registries'}${from ? ` (${from})` : ''}`);
    for (const result of results)
        core/* info */.pq(`${result.ok ? 'ok  ' : 'FAIL'} ${describe(result)} (${result.mode}, ${result.ms} ms)`);
    core/* endGroup */.N4();
}
/** Thrown in `preflight: error` mode, before anything is written or created. */
class PreflightError extends Error {
    constructor(failures) {
        super(`Preflight found ${failures.length} registr${failures.length === 1 ? 'y' : 'ies'} that a build would fail on:\n${failures.map(failure => `- ${describe(failure)}`).join('\n')}`);
        this.name = 'PreflightError';
    }
}
/** Annotates each failure (warn) or stops the step (error). */
function enforcePreflight(results, mode) {
    const failures = results.filter(result => !result.ok);
    if (mode === 'error' && failures.length > 0)
        throw new PreflightError(failures);
    for (const failure of failures) {
        core/* warning */.$e(describe(failure), { title: `Registry preflight: ${failure.host}` });
    }
}
/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result) {
    return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`;
}


/***/ }),

/***/ 3205:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ probeRegistry)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(182);
/* harmony import */ var _connect_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7033);
/* harmony import */ var _proxy_route_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7579);
/* harmony import */ var _tls_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(314);





const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA']);
/** Answers to a plain-HTTP request that come from the proxy, not the registry: credentials, or no way through. */
const PROXY_ANSWERS = new Set([407, 502, 503, 504]);
/**
 * Connects to one registry the way BuildKit will (TCP, then TLS with SNI and the same CA and
 * keypair, or plain HTTP; through the proxy Go's rules pick for it, as BuildKit's Go client
 * would: CONNECT for TLS, an absolute-form request for plain HTTP) and asks `GET /v2/`, all
 * within `timeoutMs`. Never throws: every failure is recorded in the facts.
 */
async function probeRegistry(target, timeoutMs) {
    const started = performance.now();
    const deadline = started + timeoutMs;
    const { hostname } = target.host;
    const port = (0,_model_js__WEBPACK_IMPORTED_MODULE_4__/* .portOf */ .HM)(target.host, target.transport);
    const facts = {
        stage: 'connect',
        timedOut: false,
        sentClientCert: !!target.keypair && target.transport !== 'http',
        ms: 0
    };
    const url = new URL(`${target.transport === 'http' ? 'http' : 'https'}://${target.host.text}/v2/`);
    const { route, error: refusal } = (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .proxyRoute */ .w7)(target.proxyEnv?.builder, url);
    facts.proxy = route?.shown;
    if (refusal) {
        facts.error = { code: 'EPROXYCGI', message: refusal };
        facts.ms = Math.round(performance.now() - started);
        return facts;
    }
    const sockets = [];
    const toProxy = () => {
        facts.stage = 'proxy';
    };
    try {
        let socket;
        if (target.transport === 'http') {
            socket = route
                ? await (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .openProxy */ .hb)(route, target, deadline, sockets)
                : await (0,_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .openTcp */ .UD)(hostname, port, deadline, sockets);
            // Through a proxy, the first answer may be the proxy's own (407, 502…): judged below.
            if (route)
                toProxy();
            else
                facts.stage = 'http';
            const answer = await getV2(socket, target.host.text, deadline, route && { url: url.href, route });
            if (route && PROXY_ANSWERS.has(answer.status)) {
                facts.proxyStatus = answer.status;
                throw new _proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .ProxyAnswerError */ .J8(answer.status, `the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`);
            }
            facts.stage = 'http';
            facts.answer = answer;
        }
        else {
            const tunnel = route ? await openTunnel(route, target, hostname, port, deadline, sockets, toProxy) : undefined;
            const secure = await (0,_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .openTls */ .Gd)(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'), tunnel);
            facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
            facts.certificate = certificateFacts(secure);
            facts.stage = 'http';
            facts.answer = await getV2(secure, target.host.text, deadline);
        }
        facts.stage = 'done';
    }
    catch (error) {
        facts.timedOut = error instanceof _tls_js__WEBPACK_IMPORTED_MODULE_3__/* .DeadlineError */ .j;
        if (error instanceof _proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .ProxyAnswerError */ .J8)
            facts.proxyStatus = error.status;
        const { code, message } = error;
        facts.error = { code: code ?? 'ERROR', message };
        if (code && DNS_FAILURES.has(code) && facts.stage === 'connect')
            facts.stage = 'resolve';
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
    // The two transport mix-ups get a second look, so the fix can say which one the registry speaks.
    const via = { route, trust: target };
    if (target.transport !== 'http' && facts.stage === 'tls' && facts.error && !facts.timedOut) {
        facts.answersPlainHttp = await answersPlainHttp(hostname, target.host.text, port, deadline, via);
    }
    if (target.transport === 'http' &&
        ((facts.stage === 'http' && facts.error && !facts.timedOut) || facts.answer?.status === 400)) {
        facts.answersTls = await completesTlsHandshake(hostname, port, deadline, via);
    }
    facts.ms = Math.round(performance.now() - started);
    return facts;
}
/** A tunnel to `hostname:port` through the proxy; `onProxy` once the proxy itself is connected. */
async function openTunnel(route, trust, hostname, port, deadline, sockets, onProxy = () => { }) {
    const proxySocket = await (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .openProxy */ .hb)(route, trust, deadline, sockets);
    onProxy();
    return (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .connectTunnel */ .JT)(proxySocket, (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_2__/* .authorityOf */ .vO)(hostname, port), route, deadline);
}
/** A raw connection to the registry's port: direct, or a tunnel through the proxy. */
function openRaw(hostname, port, deadline, sockets, via) {
    return via.route
        ? openTunnel(via.route, via.trust, hostname, port, deadline, sockets)
        : (0,_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .openTcp */ .UD)(hostname, port, deadline, sockets);
}
function certificateFacts(socket) {
    const peer = socket.getPeerCertificate();
    if (!peer || Object.keys(peer).length === 0)
        return undefined;
    const names = peer.subjectaltname ? peer.subjectaltname.split(', ') : [];
    return { names, validFrom: peer.valid_from, validTo: peer.valid_to };
}
/**
 * `GET /v2/` over an open connection: the registry API root answers 200, or 401 asking for
 * credentials. Through a proxy (plain HTTP), the request line carries the whole URL.
 */
function getV2(socket, host, deadline, viaProxy) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new _tls_js__WEBPACK_IMPORTED_MODULE_3__/* .DeadlineError */ .j('no HTTP answer before the deadline'));
        }, (0,_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .remaining */ .Tk)(deadline));
        const headers = {
            Host: host,
            'User-Agent': 'setup-buildkit-registry-preflight',
            Connection: 'close'
        };
        if (viaProxy?.route.authorization)
            headers['Proxy-Authorization'] = viaProxy.route.authorization;
        const req = (0,node_http__WEBPACK_IMPORTED_MODULE_0__.request)({ createConnection: () => socket, path: viaProxy?.url ?? '/v2/', method: 'GET', headers });
        req.once('response', response => {
            clearTimeout(timer);
            const header = (name) => {
                const value = response.headers[name];
                return Array.isArray(value) ? value.join(', ') : value;
            };
            resolve({
                status: response.statusCode ?? 0,
                wwwAuthenticate: header('www-authenticate'),
                contentType: header('content-type')
            });
            response.destroy();
        });
        req.once('error', error => {
            clearTimeout(timer);
            reject(error);
        });
        req.end();
    });
}
async function answersPlainHttp(hostname, host, port, deadline, via) {
    const sockets = [];
    try {
        await getV2(await openRaw(hostname, port, deadline, sockets, via), host, deadline);
        return true;
    }
    catch {
        return false;
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
}
async function completesTlsHandshake(hostname, port, deadline, via) {
    const sockets = [];
    try {
        const tunnel = via.route ? await openRaw(hostname, port, deadline, sockets, via) : undefined;
        await (0,_connect_js__WEBPACK_IMPORTED_MODULE_1__/* .openTls */ .Gd)(hostname, port, { ca: '' }, deadline, sockets, undefined, tunnel);
        return true;
    }
    catch {
        return false;
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
}


/***/ })

};
