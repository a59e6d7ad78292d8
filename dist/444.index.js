export const id = 444;
export const ids = [444];
export const modules = {

/***/ 3444:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PullError: () => (/* reexport */ PullError),
  enforcePreflight: () => (/* binding */ enforcePreflight),
  preflightOutput: () => (/* binding */ preflightOutput),
  probeInsecureTransport: () => (/* reexport */ probeInsecureTransport),
  pullImage: () => (/* reexport */ pullImage),
  reportPreflight: () => (/* binding */ reportPreflight),
  runPreflight: () => (/* binding */ runPreflight)
});

// UNUSED EXPORTS: PreflightError

// EXTERNAL MODULE: ../main/node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(2906);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(7948);
;// CONCATENATED MODULE: ./src/preflight/tls-errors.ts
// What Node's TLS errors say, read in one place by both diagnoses (registry and token endpoint). Pure.
/** Node's verification codes for a certificate no trusted CA signed (Go: "x509: certificate signed by unknown authority"). */
const UNKNOWN_AUTHORITY = [
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT'
];
/** True when `text` (a code, or `code message`) names an unknown authority. */
function isUnknownAuthority(text) {
    return UNKNOWN_AUTHORITY.some(code => new RegExp(`\\b${code}\\b`).test(text));
}
/**
 * The alerts a TLS server sends for a missing or untrusted client certificate: Go's server sends
 * `certificate required` (TLS 1.3) or `bad certificate`, OpenSSL-based ones `unknown ca` or
 * `certificate unknown`. Node names them in the code (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)
 * or only in the message.
 */
const CLIENT_CERT_ALERT = /CERTIFICATE_REQUIRED|certificate required|BAD_CERTIFICATE|bad certificate|UNKNOWN_CA|unknown ca|CERTIFICATE_UNKNOWN|certificate unknown/i;
/** True when `text` (`code message`) is a TLS alert about the client certificate. */
function isClientCertAlert(text) {
    return CLIENT_CERT_ALERT.test(text);
}
/** A failure of the TLS handshake or of verification, rather than of the connection. */
const TLS_FAILURE = /CERT|SELF_SIGNED|VERIFY|ALTNAME|ERR_SSL|ERR_TLS|alert|handshake/i;
function isTlsFailure(text) {
    return TLS_FAILURE.test(text);
}

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
    if (isClientCertAlert(code)) {
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
    if (isUnknownAuthority(verifyError)) {
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
    // `username`/`password` are never sent to a mirror that `registries` does not list
    // (inputs/read-inputs.ts credentialHosts): a mirror needs credentials of its own.
    const passCredentials = (0,model/* isMirrorOnly */.Mj)(registry)
        ? `give the mirror ${host} credentials of its own: a \`credentials\` line ${host}=USERNAME:PASSWORD, or list it in \`registries\` so that \`username\`/\`password\` apply to it (they are not sent to unlisted mirrors); or log in to it (docker/login-action) before this step`
        : `pass \`username\` and \`password\` (or a \`credentials\` line ${host}=USERNAME:PASSWORD), or log in (docker/login-action) before this step`;
    const who = credential ? `${credential.username} (from ${credential.from})` : '';
    const code = facts.error ? `${facts.error.code} ${facts.error.message}` : '';
    if (facts.scheme === 'basic') {
        if (!credential) {
            const message = 'no credentials for it: it asks for basic auth (GET /v2/: 401)';
            // ok, since a build may still pull from the upstream; the fix makes it a warning (preflight.ts).
            return (0,model/* isMirrorOnly */.Mj)(registry)
                ? {
                    ok: true,
                    kind: 'credentials-missing',
                    message: `no credentials for this mirror: it asks for basic auth (GET /v2/: 401); pulls through it will fail`,
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
    if (facts.error && facts.stage === 'token-tls' && isClientCertAlert(code)) {
        return facts.sentClientCert
            ? failed('token-client-cert', `token endpoint ${realm} rejected the client certificate (${facts.error.code})`, 'pass in `client-cert` and `client-key` a keypair the token endpoint trusts')
            : failed('token-client-cert', `token endpoint ${realm} requires a client certificate (${facts.error.code}), which buildx's token requests cannot present`, 'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them (BUILDKIT_NO_CLIENT_TOKEN)');
    }
    if (facts.error && facts.stage === 'token-tls') {
        const untrusted = isUnknownAuthority(code);
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

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./src/proxy.ts
var src_proxy = __webpack_require__(7481);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/preflight/tls.ts


/** A probe's own deadline passed: its error code is the one Go's i/o timeout maps to. */
class DeadlineError extends Error {
    code = 'ETIMEDOUT';
}
/**
 * TLS options as BuildKit and buildx make them: SNI for names only (for an address, Node checks
 * the certificate's IP entries against the host), and `ca` added to the system roots, since
 * Node's `ca` replaces them where Go adds it to the system pool.
 */
function trustOptions(hostname, trust) {
    return {
        servername: (0,external_node_net_.isIP)(hostname) ? undefined : hostname,
        ca: trust.ca ? [...external_node_tls_.rootCertificates, trust.ca] : undefined,
        cert: trust.keypair?.cert,
        key: trust.keypair?.key
    };
}

;// CONCATENATED MODULE: ./src/preflight/connect.ts



// Connections within a deadline, every socket recorded in `sockets` for the caller to destroy.
function remaining(deadline) {
    return Math.max(0, deadline - performance.now());
}
/** Resolves with `value` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
function settle(socket, event, deadline, value) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new DeadlineError('no answer before the deadline'));
        }, remaining(deadline));
        socket.once(event, () => {
            clearTimeout(timer);
            resolve(value());
        });
        socket.once('error', error => {
            clearTimeout(timer);
            reject(error);
        });
    });
}
/** Node resolves the name and tries each address in turn (autoSelectFamily is on by default), as Go's dialer does for BuildKit. */
function openTcp(hostname, port, deadline, sockets) {
    const socket = (0,external_node_net_.connect)({ host: hostname, port });
    sockets.push(socket);
    return settle(socket, 'connect', deadline, () => socket);
}
/**
 * TLS to `hostname`: over `tunnel` (a proxy's CONNECT) when given, else over a TCP connection
 * tls.connect opens itself (wrapping a socket we opened first crashes Node 20 when the server's
 * alert arrives after teardown: a tunnel keeps an error listener for that). `onConnected` marks
 * the end of the TCP stage. Verification is judged afterwards, from authorizationError, so that
 * it can be explained.
 */
function openTls(hostname, port, trust, deadline, sockets, onConnected = () => { }, tunnel) {
    if (tunnel)
        tunnel.on('error', () => undefined);
    const secure = (0,external_node_tls_.connect)({
        ...(tunnel ? { socket: tunnel } : { host: hostname, port }),
        ...trustOptions(hostname, trust),
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1']
    });
    sockets.push(secure);
    if (tunnel)
        onConnected();
    else
        secure.once('connect', onConnected);
    return settle(secure, 'secureConnect', deadline, () => secure);
}

;// CONCATENATED MODULE: ./src/preflight/proxy-route.ts




/** The route to `target` for a process with `env`: a proxy, none (direct), or Go's refusal as an error. */
function proxyRoute(env, target) {
    if (!env)
        return {};
    const { proxy, error } = (0,src_proxy/* proxyFor */.iJ)(env, target);
    if (error)
        return { error };
    if (!proxy)
        return {};
    const https = target.protocol === 'https:';
    const variable = https
        ? env.HTTPS_PROXY
            ? 'HTTPS_PROXY'
            : 'https_proxy'
        : env.HTTP_PROXY
            ? 'HTTP_PROXY'
            : 'http_proxy';
    return {
        route: { url: proxy, shown: `${(0,src_proxy/* redactedProxy */.ni)(proxy)} (${variable})`, authorization: (0,src_proxy/* proxyAuthorization */.YB)(proxy) }
    };
}
/** The proxy answered CONNECT, or a request, with a status that is not the registry's: 407, 403, 502… */
class ProxyAnswerError extends Error {
    status;
    code = 'EPROXY';
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
/** A connection to the proxy itself: TCP, or TLS for an `https://` proxy (Go verifies it with the same trust). */
async function openProxy(route, trust, deadline, sockets) {
    const { url } = route;
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw Object.assign(new Error(`preflight cannot go through a ${url.protocol.slice(0, -1)} proxy`), {
            code: 'EPROXYSCHEME'
        });
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || (0,src_proxy/* defaultPort */.L5)(url.protocol));
    if (url.protocol === 'http:')
        return openTcp(hostname, port, deadline, sockets);
    const secure = await openTls(hostname, port, trust, deadline, sockets);
    if (secure.authorizationError)
        throw Object.assign(new Error(`the proxy's certificate does not verify: ${String(secure.authorizationError)}`), {
            code: String(secure.authorizationError)
        });
    return secure;
}
/**
 * `CONNECT host:port` through an open connection to the proxy (as Go's transport: the target's
 * canonical address, Proxy-Authorization from the proxy URL). Resolves with the tunnel once the
 * proxy answers 2xx; a proxy's other answer is a ProxyAnswerError.
 */
function connectTunnel(proxySocket, authority, route, deadline) {
    return new Promise((resolve, reject) => {
        const headers = { Host: authority, 'User-Agent': 'setup-buildkit-registry-preflight' };
        if (route.authorization)
            headers['Proxy-Authorization'] = route.authorization;
        const req = (0,external_node_http_.request)({ method: 'CONNECT', path: authority, headers, createConnection: () => proxySocket });
        const timer = setTimeout(() => {
            req.destroy();
            reject(new DeadlineError(`the proxy ${route.shown} did not answer CONNECT ${authority} before the deadline`));
        }, remaining(deadline));
        const refused = (response) => {
            clearTimeout(timer);
            response.resume();
            reject(new ProxyAnswerError(response.statusCode ?? 0, `the proxy ${route.shown} answered CONNECT ${authority} with ${response.statusCode} ${response.statusMessage ?? ''}`.trim()));
        };
        req.once('connect', (response, tunnel) => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299)
                return refused(response);
            clearTimeout(timer);
            resolve(tunnel);
        });
        req.once('response', refused);
        req.once('error', error => {
            clearTimeout(timer);
            reject(error);
        });
        req.end();
    });
}
/** `host:port` as a CONNECT line and Go's canonicalAddr write it: IPv6 in brackets, the port always. */
function authorityOf(hostname, port) {
    return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

;// CONCATENATED MODULE: ./src/preflight/auth-probe.ts








/**
 * Logs in as a build will: Bearer, a token from the realm (the same trust, the given
 * credentials, the push scope) and GET /v2/ with it; Basic, GET /v2/ with the credentials.
 * Never throws: every failure is in the facts.
 */
async function probeAuth(target, deadline) {
    const scheme = target.challenge.scheme === 'bearer' ? 'bearer' : 'basic';
    const facts = {
        scheme,
        realm: target.challenge.realm,
        stage: 'registry',
        timedOut: false,
        sentClientCert: false
    };
    const registryUrl = new URL(`${target.transport === 'http' ? 'http' : 'https'}://${target.host.text}/v2/`);
    const registryTls = {
        ca: target.ca,
        keypair: target.keypair,
        verify: target.transport !== 'insecure',
        proxyEnv: target.proxyEnv?.builder
    };
    try {
        if (scheme === 'basic') {
            if (!target.credential)
                return facts;
            const { username, password } = target.credential;
            const basic = Buffer.from(`${username}:${password}`).toString('base64');
            facts.registryStatus = (await send(registryUrl, 'GET', { Authorization: `Basic ${basic}` }, '', registryTls, deadline)).status;
            facts.stage = 'done';
            return facts;
        }
        const realm = new URL(target.challenge.realm ?? '');
        const { tokenTrust } = target;
        facts.sentClientCert = !!tokenTrust.keypair && realm.protocol === 'https:';
        facts.stage = 'token-connect';
        const token = await fetchToken(realm, target, facts, deadline);
        if (token === undefined)
            return facts;
        facts.tokenFetched = true;
        facts.stage = 'registry';
        facts.registryStatus = (await send(registryUrl, 'GET', { Authorization: `Bearer ${token}` }, '', registryTls, deadline)).status;
        facts.stage = 'done';
    }
    catch (error) {
        const { code, message } = error;
        facts.timedOut = error instanceof DeadlineError;
        facts.error = { code: code ?? 'ERROR', message };
        if (facts.stage === 'token-connect' && code && isTlsFailure(`${code} ${message}`))
            facts.stage = 'token-tls';
    }
    return facts;
}
/**
 * buildx (buildkit authprovider.go FetchToken) posts an OAuth2 password grant first and falls back
 * to GET with basic auth on 401/404/405; buildkitd (util/resolver/authorizer.go fetchToken) tries GET
 * first. Without credentials, both GET anonymously. Returns the token, or undefined with the status.
 */
async function fetchToken(realm, target, facts, deadline) {
    const { credential, tokenTrust, challenge, scope } = target;
    // Tokens come from whoever fetches them: buildx through the runner's proxy, BuildKit through its own.
    const proxyEnv = tokenTrust.fetchedBy === 'buildx' ? target.proxyEnv?.runner : target.proxyEnv?.builder;
    facts.realmProxy = proxyRoute(proxyEnv, realm).route?.shown;
    const trust = { ca: tokenTrust.ca, keypair: tokenTrust.keypair, verify: true, proxyEnv };
    const get = () => {
        const url = new URL(realm);
        if (challenge.service)
            url.searchParams.set('service', challenge.service);
        url.searchParams.set('scope', scope);
        const headers = credential
            ? { Authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` }
            : {};
        return send(url, 'GET', headers, '', trust, deadline);
    };
    const post = () => {
        const form = new URLSearchParams({ scope, client_id: 'buildkit-client', grant_type: 'password' });
        if (challenge.service)
            form.set('service', challenge.service);
        form.set('username', credential?.username ?? '');
        form.set('password', credential?.password ?? '');
        return send(realm, 'POST', { 'Content-Type': 'application/x-www-form-urlencoded' }, form.toString(), trust, deadline);
    };
    const order = !credential ? [get] : tokenTrust.fetchedBy === 'buildx' ? [post, get] : [get, post];
    let answer = await order[0]();
    facts.stage = 'token';
    if (order.length > 1 && [401, 404, 405].includes(answer.status))
        answer = await order[1]();
    facts.tokenStatus = answer.status;
    if (answer.status !== 200)
        return undefined;
    try {
        const body = JSON.parse(answer.body);
        return body.token || body.access_token || undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * One request with its own trust, within the deadline; the body is read (tokens are small).
 * Through the proxy Go's rules pick: CONNECT for https (TLS through the tunnel, verified the
 * same), the whole URL in the request line for http.
 */
async function send(url, method, headers, body, trust, deadline, options = {}) {
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const { route, error } = proxyRoute(trust.proxyEnv, url);
    if (error)
        throw Object.assign(new Error(error), { code: 'EPROXYCGI' });
    const sockets = [];
    try {
        let connection;
        const sent = { ...headers };
        let path;
        if (route) {
            const proxySocket = await openProxy(route, trust, deadline, sockets);
            if (secure) {
                const tunnel = await connectTunnel(proxySocket, authorityOf(hostname, Number(url.port || (0,src_proxy/* defaultPort */.L5)(url.protocol))), route, deadline);
                // Node 20 crashes on an alert arriving at a wrapped socket without a listener.
                tunnel.on('error', () => undefined);
                connection = (0,external_node_tls_.connect)({
                    socket: tunnel,
                    ...trustOptions(hostname, trust),
                    rejectUnauthorized: trust.verify
                });
                sockets.push(connection);
            }
            else {
                connection = proxySocket;
                path = url.href;
                if (route.authorization)
                    sent['Proxy-Authorization'] = route.authorization;
            }
        }
        return await requestOnce(url, method, sent, body, trust, deadline, connection, path, options);
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
}
function requestOnce(url, method, headers, body, trust, deadline, connection, path, { sink, signal } = {}) {
    return new Promise((resolve, reject) => {
        const secure = url.protocol === 'https:';
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        const options = {
            method,
            headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...headers },
            ...(secure ? { ...trustOptions(hostname, trust), rejectUnauthorized: trust.verify } : {}),
            ...(path ? { path } : {}),
            // Without an agent, a connection of our own (through a proxy) is taken as it is.
            ...(connection ? { createConnection: () => connection } : { agent: false }),
            ...(signal ? { signal } : {})
        };
        const request = (secure ? external_node_https_.request : external_node_http_.request)(url, options, (response) => {
            const answer = { status: response.statusCode ?? 0, headers: response.headers, body: '' };
            if (sink && answer.status === 200) {
                sink(response).then(() => {
                    clearTimeout(timer);
                    resolve(answer);
                }, (error) => {
                    clearTimeout(timer);
                    request.destroy();
                    reject(error);
                });
                return;
            }
            let text = '';
            response.setEncoding('utf8');
            response.on('data', chunk => (text += chunk));
            response.on('end', () => {
                clearTimeout(timer);
                resolve({ ...answer, body: text });
            });
            response.on('error', reject);
        });
        const timer = setTimeout(() => request.destroy(new DeadlineError('no answer before the deadline')), remaining(deadline));
        request.once('error', error => {
            clearTimeout(timer);
            reject(error);
        });
        request.end(body);
    });
}

;// CONCATENATED MODULE: ./src/preflight/challenge.ts
/**
 * Parses the first challenge of a `WWW-Authenticate` header (`Bearer realm="…",service="…"`
 * or `Basic realm="…"`). Parameter values may be quoted, with backslash escapes. Pure.
 */
function parseChallenge(header) {
    const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header);
    const name = match?.[1].toLowerCase();
    const scheme = name === 'bearer' || name === 'basic' ? name : 'other';
    const params = {};
    const param = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
    const rest = match?.[2] ?? '';
    for (let found = param.exec(rest); found; found = param.exec(rest)) {
        params[found[1].toLowerCase()] = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3];
    }
    return { scheme, realm: params.realm, service: params.service };
}
/**
 * The scope preflight asks a token for: push to a repository that need not exist (the token
 * service judges the credentials; a registry accepts any repository name), pull for a mirror.
 */
function preflightScope(mirrorOnly) {
    return mirrorOnly
        ? 'repository:library/setup-buildkit-registry-preflight:pull'
        : 'repository:setup-buildkit-registry/preflight:pull,push';
}

;// CONCATENATED MODULE: ./src/preflight/probe.ts





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
    const port = (0,model/* portOf */.HM)(target.host, target.transport);
    const facts = {
        stage: 'connect',
        timedOut: false,
        sentClientCert: !!target.keypair && target.transport !== 'http',
        ms: 0
    };
    const url = new URL(`${target.transport === 'http' ? 'http' : 'https'}://${target.host.text}/v2/`);
    const { route, error: refusal } = proxyRoute(target.proxyEnv?.builder, url);
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
                ? await openProxy(route, target, deadline, sockets)
                : await openTcp(hostname, port, deadline, sockets);
            // Through a proxy, the first answer may be the proxy's own (407, 502…): judged below.
            if (route)
                toProxy();
            else
                facts.stage = 'http';
            const answer = await getV2(socket, target.host.text, deadline, route && { url: url.href, route });
            if (route && PROXY_ANSWERS.has(answer.status)) {
                facts.proxyStatus = answer.status;
                throw new ProxyAnswerError(answer.status, `the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`);
            }
            facts.stage = 'http';
            facts.answer = answer;
        }
        else {
            const tunnel = route ? await openTunnel(route, target, hostname, port, deadline, sockets, toProxy) : undefined;
            const secure = await openTls(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'), tunnel);
            facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
            facts.certificate = certificateFacts(secure);
            facts.stage = 'http';
            facts.answer = await getV2(secure, target.host.text, deadline);
        }
        facts.stage = 'done';
    }
    catch (error) {
        facts.timedOut = error instanceof DeadlineError;
        if (error instanceof ProxyAnswerError)
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
    const proxySocket = await openProxy(route, trust, deadline, sockets);
    onProxy();
    return connectTunnel(proxySocket, authorityOf(hostname, port), route, deadline);
}
/** A raw connection to the registry's port: direct, or a tunnel through the proxy. */
function openRaw(hostname, port, deadline, sockets, via) {
    return via.route
        ? openTunnel(via.route, via.trust, hostname, port, deadline, sockets)
        : openTcp(hostname, port, deadline, sockets);
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
            reject(new DeadlineError('no HTTP answer before the deadline'));
        }, remaining(deadline));
        const headers = {
            Host: host,
            'User-Agent': 'setup-buildkit-registry-preflight',
            Connection: 'close'
        };
        if (viaProxy?.route.authorization)
            headers['Proxy-Authorization'] = viaProxy.route.authorization;
        const req = (0,external_node_http_.request)({ createConnection: () => socket, path: viaProxy?.url ?? '/v2/', method: 'GET', headers });
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
        await openTls(hostname, port, { ca: '' }, deadline, sockets, undefined, tunnel);
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

// EXTERNAL MODULE: ./src/untrusted-text.ts
var untrusted_text = __webpack_require__(5619);
;// CONCATENATED MODULE: ./src/preflight/transport-probe.ts


/**
 * What an insecure-registries host speaks, found out as the daemon does when it pushes there:
 * HTTPS without verification first, then plain HTTP (moby's registry endpoints for an insecure
 * index, in that order). A registry answers either way (200, or 401 asking for credentials); a
 * port that completes no TLS handshake but answers HTTP is plain HTTP. Through the proxy the
 * builder will use, as preflight goes. Never throws.
 */
async function probeInsecureTransport(host, proxyEnv, timeoutMs) {
    const target = { host, ca: '', proxyEnv: proxyEnv ? { builder: proxyEnv } : undefined };
    const tls = await probeRegistry({ ...target, transport: 'insecure' }, timeoutMs);
    if (answered(tls))
        return { host: host.text, transport: 'insecure' };
    const http = await probeRegistry({ ...target, transport: 'http' }, timeoutMs);
    if (answered(http))
        return { host: host.text, transport: 'http' };
    return {
        host: host.text,
        // Node's errors quote the network (a certificate's names): shown neutralized.
        unreachable: (0,untrusted_text/* neutralizeUntrustedLine */.gK)(`neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ${failure(tls)}; HTTP: ${failure(http)})`)
    };
}
/** A registry's answer to GET /v2/: anything but a proxy's own. */
function answered(facts) {
    return facts.stage === 'done' && facts.answer !== undefined && facts.proxyStatus === undefined;
}
function failure(facts) {
    if (facts.error)
        return `${facts.error.code} ${facts.error.message}`.trim();
    return facts.answer ? `answered ${facts.answer.status}` : 'no answer';
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/preflight/image-source.ts
var image_source = __webpack_require__(3660);
;// CONCATENATED MODULE: ./src/preflight/image-pull.ts








/**
 * A failed pull, with how it failed: a rate limit gets its own message upstream. The message is
 * neutralized here, the one way this client's failures leave it: it quotes the registry's body,
 * Node's errors (a certificate's names) and the manifest's fields, and it reaches retry lines,
 * warnings and the step's error.
 */
class PullError extends Error {
    kind;
    status;
    constructor(message, kind, status) {
        super((0,untrusted_text/* neutralizeUntrustedLine */.gK)(message));
        this.kind = kind;
        this.status = status;
        this.name = 'PullError';
    }
}
const MANIFEST_DEADLINE_MS = 60_000;
/** A blob may be large and the link slow; the deadline only ends a transfer that hangs. */
const BLOB_DEADLINE_MS = 30 * 60_000;
const MAX_REDIRECTS = 5;
/** Fetches `reference` (a tag or a digest) for `platform` from `source` into `dir`. */
async function pullImage(source, reference, platform, dir, options) {
    const client = new RegistryClient(source, options);
    let manifest = await client.manifest(reference);
    let manifestDigest = reference.includes(':') ? reference : undefined;
    if ((0,image_source/* isIndex */.nw)(manifest.document, manifest.contentType)) {
        const entry = (0,image_source/* choosePlatform */.xV)(manifest.document.manifests ?? [], platform);
        if (!entry) {
            const offered = (manifest.document.manifests ?? [])
                .map(each => each.platform && `${each.platform.os}/${each.platform.architecture}`)
                .filter(Boolean);
            throw new PullError(`the image has no manifest for the daemon's platform ${platform.os}/${platform.architecture} (it has ${offered.join(', ') || 'none'})`, 'fatal');
        }
        // The index's word: checked before it goes into a request's path.
        hexOf(entry.digest);
        manifest = await client.manifest(entry.digest);
        manifestDigest = entry.digest;
    }
    const { config, layers } = manifest.document;
    if (!config || !Array.isArray(layers))
        throw new PullError('the registry answered with a manifest that has no config or layers (schema 1?)', 'fatal');
    const configPath = (0,external_node_path_.join)(dir, `${hexOf(config.digest)}.json`);
    await client.blob(config, configPath);
    const files = [];
    for (const layer of layers) {
        const path = (0,external_node_path_.join)(dir, `${hexOf(layer.digest)}.layer`);
        await client.blob(layer, path);
        files.push({ digest: layer.digest, path, mediaType: layer.mediaType });
    }
    return { manifestDigest, config: { digest: config.digest, path: configPath }, layers: files };
}
function hexOf(digest) {
    const [algorithm, hex] = digest.split(':');
    if (algorithm !== 'sha256' || !/^[a-f0-9]{64}$/.test(hex ?? ''))
        throw new PullError(`unsupported digest ${digest} (only sha256)`, 'fatal');
    return hex;
}
class RegistryClient {
    source;
    options;
    authorization;
    base;
    trust;
    constructor(source, options) {
        this.source = source;
        this.options = options;
        this.base = `${source.transport === 'http' ? 'http' : 'https'}://${source.host.text}`;
        this.trust = {
            ca: source.ca,
            keypair: source.keypair,
            verify: source.transport !== 'insecure',
            proxyEnv: source.proxyEnv
        };
    }
    async manifest(reference) {
        const url = this.url(`manifests/${reference}`);
        const answer = await this.retried(`manifest ${reference}`, () => this.authorized(url, { Accept: image_source/* MANIFEST_ACCEPT */.dY }, MANIFEST_DEADLINE_MS));
        if (reference.startsWith('sha256:'))
            verifyDigest(Buffer.from(answer.body, 'utf8'), reference, 'manifest');
        try {
            return {
                document: JSON.parse(answer.body),
                contentType: String(answer.headers['content-type'] ?? '')
            };
        }
        catch {
            throw new PullError(`the manifest ${reference} is not JSON`, 'fatal');
        }
    }
    /** The blob into `path`, following redirects (the registry's Authorization only to its own origin), its digest and size checked. */
    async blob(descriptor, path) {
        await this.retried(`blob ${descriptor.digest}`, async () => {
            let url = this.url(`blobs/${descriptor.digest}`);
            let sent;
            const sink = async (response) => {
                const hash = (0,external_node_crypto_.createHash)('sha256');
                let size = 0;
                response.on('data', (chunk) => {
                    hash.update(chunk);
                    size += chunk.length;
                });
                await (0,promises_.pipeline)(response, (0,external_node_fs_.createWriteStream)(path));
                sent = { digest: `sha256:${hash.digest('hex')}`, size };
            };
            for (let redirects = 0;; redirects++) {
                const answer = mayCarryAuthorization(url, this.base)
                    ? await this.authorized(url, {}, BLOB_DEADLINE_MS, sink)
                    : await this.request(url, {}, BLOB_DEADLINE_MS, sink, { ...this.trust, verify: true });
                const location = answer.headers.location;
                if ([301, 302, 303, 307, 308].includes(answer.status) && location && redirects < MAX_REDIRECTS) {
                    url = new URL(location, url);
                    continue;
                }
                if (answer.status !== 200)
                    throw image_pull_failure(answer, `blob ${descriptor.digest}`);
                break;
            }
            if (!sent || sent.digest !== descriptor.digest || sent.size !== descriptor.size)
                throw new PullError(`the blob ${descriptor.digest} arrived as ${sent?.digest ?? 'nothing'} (${sent?.size ?? 0} of ${descriptor.size} bytes)`, 
                // A transfer cut short is worth another try; a registry serving other bytes is not.
                sent && sent.size < descriptor.size ? 'transient' : 'fatal');
        });
    }
    url(tail) {
        const url = new URL(`${this.base}/v2/${this.source.repository}/${tail}`);
        if (this.source.namespace)
            url.searchParams.set('ns', this.source.namespace);
        return url;
    }
    /** A request with the registry's login: on a 401, a token (Bearer) or the credentials (Basic), then once more. */
    async authorized(url, headers, deadlineMs, sink) {
        let answer = await this.request(url, headers, deadlineMs, sink);
        if (answer.status !== 401)
            return checked(answer, url);
        const challenge = parseChallenge(String(answer.headers['www-authenticate'] ?? ''));
        const { credential } = this.source;
        if (challenge.scheme === 'basic' && credential) {
            this.authorization = `Basic ${basic(credential)}`;
        }
        else if (challenge.scheme === 'bearer' && challenge.realm) {
            this.authorization = `Bearer ${await this.token(challenge.realm, challenge.service)}`;
        }
        else
            return checked(answer, url);
        answer = await this.request(url, headers, deadlineMs, sink);
        return checked(answer, url);
    }
    /** A pull token from the realm (GET, with the credentials when there are any), as buildkitd fetches it. */
    async token(realm, service) {
        const url = new URL(realm);
        if (service)
            url.searchParams.set('service', service);
        url.searchParams.set('scope', `repository:${this.source.repository}:pull`);
        const { credential } = this.source;
        const headers = credential ? { Authorization: `Basic ${basic(credential)}` } : {};
        const answer = await send(url, 'GET', headers, '', this.trust, performance.now() + MANIFEST_DEADLINE_MS, {
            signal: this.options.signal
        });
        if (answer.status !== 200)
            throw image_pull_failure(answer, `a token from ${url.origin}${url.pathname}`);
        try {
            const body = JSON.parse(answer.body);
            const token = body.token || body.access_token;
            if (token)
                return token;
        }
        catch {
            // Said below.
        }
        throw new PullError(`the token service ${url.origin}${url.pathname} answered without a token`, 'fatal');
    }
    request(url, headers, deadlineMs, sink, trust = this.trust) {
        const withAuth = this.authorization && trust === this.trust ? { ...headers, Authorization: this.authorization } : headers;
        return send(url, 'GET', withAuth, '', trust, performance.now() + deadlineMs, { sink, signal: this.options.signal });
    }
    /** `attempt`, tried again on transient failures with a growing wait, each retry logged with its reason. */
    async retried(what, attempt) {
        for (let number = 1;; number++) {
            try {
                return await attempt();
            }
            catch (error) {
                const pullError = asPullError(error, what);
                if (this.options.signal?.aborted)
                    throw new PullError(`cancelled while fetching the ${what}`, 'fatal');
                if (pullError.kind !== 'transient' || number >= image_source/* PULL_ATTEMPTS */.ZS)
                    throw pullError;
                const wait = (0,image_source/* retryDelayMs */.qO)(number);
                this.options.log(`${this.source.host.text}: ${pullError.message}; retrying in ${wait / 1000} s (attempt ${number + 1} of ${image_source/* PULL_ATTEMPTS */.ZS})`);
                await sleep(wait, this.options.signal);
            }
        }
    }
}
/**
 * Whether a request to `url` may carry the registry's Authorization: only to the origin it was made
 * for (scheme, host and port), as a browser keeps credentials. `url.host` alone is not enough: it
 * leaves default ports out, so `https://registry/…` redirected to `http://registry/…` has the same
 * host and would send the password or token in clear text. Any other origin (a CDN, a downgrade)
 * gets the request without it. This is the one redirect the registry client follows: manifests,
 * tokens and auth probes take a 3xx as an answer.
 */
function mayCarryAuthorization(url, origin) {
    return url.origin === new URL(origin).origin;
}
/** A non-2xx answer as a PullError; 2xx passes (a sink has taken the body). */
function checked(answer, url) {
    if (answer.status >= 200 && answer.status < 300)
        return answer;
    if ([301, 302, 303, 307, 308].includes(answer.status))
        return answer;
    throw image_pull_failure(answer, url.pathname);
}
function image_pull_failure(answer, what) {
    const kind = (0,image_source/* classifyFailure */.XE)({ status: answer.status });
    return new PullError(`${what} answered ${answer.status}${registryMessage(answer.body)}`, kind, answer.status);
}
/** The registry's own words from an errors body (`{"errors":[{"code","message"}]}`), short. */
function registryMessage(body) {
    try {
        const parsed = JSON.parse(body);
        const first = parsed.errors?.[0];
        if (first)
            return ` ${[first.code, first.message].filter(Boolean).join(': ').slice(0, 300)}`;
    }
    catch {
        // Not the registry's JSON: the first words of it.
    }
    const text = body.trim().slice(0, 200);
    return text ? ` ${text}` : '';
}
function asPullError(error, what) {
    if (error instanceof PullError)
        return error;
    const { code, message } = error;
    return new PullError(`fetching the ${what} failed: ${code ? `${code} ` : ''}${message}`, (0,image_source/* classifyFailure */.XE)({ code }));
}
function basic(credential) {
    return Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
}
function verifyDigest(bytes, digest, what) {
    const actual = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest)
        throw new PullError(`the ${what} ${digest} arrived as ${actual}`, 'fatal');
}
function sleep(ms, signal) {
    return new Promise(resolve => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}

;// CONCATENATED MODULE: ./src/preflight/preflight.ts








// The other users of the registry client load it from this module, so that the bundle holds that
// client once, in the chunk preflight loads anyway (a dynamic import of their own modules gets a
// chunk with its own copy): `import-docker-trust`'s transport probe (steps/plan-facts.ts) and the
// builder image's fetch (steps/builder-image-phase.ts).


/**
 * Probes every registry and mirror at once, so the whole check costs about
 * one timeout however many registries hang; a registry that answers 401 is
 * then logged in to, as a build will. Logs nothing, so that it can run
 * while the builder boots: reportPreflight logs the results afterwards.
 */
async function runPreflight(registries, timeoutSeconds, auth = { credentials: [], tokenTrust: new Map() }) {
    return Promise.all(registries.map(async (registry) => {
        const started = performance.now();
        const facts = await probeRegistry(registry, timeoutSeconds * 1000);
        const result = { host: registry.host.text, mode: registry.mode, ms: facts.ms };
        const verdict = shown(diagnose(registry, facts, timeoutSeconds));
        const header = facts.answer?.status === 401 ? facts.answer.wwwAuthenticate : undefined;
        if (!verdict.ok || !header)
            return { ...result, ...verdict };
        const challenge = parseChallenge(header);
        if (challenge.scheme === 'other')
            return { ...result, ...verdict };
        const credential = auth.credentials.find(entry => entry.host.toLowerCase() === registry.host.text.toLowerCase());
        const tokenTrust = auth.tokenTrust.get(registry.host.text) ?? { fetchedBy: 'buildx', ca: '' };
        const authFacts = await probeAuth({
            ...registry,
            challenge,
            credential,
            tokenTrust,
            scope: preflightScope((0,model/* isMirrorOnly */.Mj)(registry))
        }, started + timeoutSeconds * 1000);
        return {
            ...result,
            realm: challenge.realm === undefined ? undefined : (0,untrusted_text/* neutralizeUntrustedLine */.gK)(challenge.realm),
            tokenRealm: challenge.realm === undefined ? undefined : { url: challenge.realm, fetched: !!authFacts.tokenFetched },
            ...shown(diagnoseAuth(registry, authFacts, credential, tokenTrust, timeoutSeconds)),
            ms: Math.round(performance.now() - started)
        };
    }));
}
/**
 * A verdict as every place shows it (log, annotation, error, summary, output): its message and fix
 * quote what the registry, its certificate, a proxy or Node's errors said, so they are neutralized
 * here, where preflight's facts become text, rather than at each place that prints them.
 */
function shown(verdict) {
    return { ...verdict, message: (0,untrusted_text/* neutralizeUntrustedLine */.gK)(verdict.message), fix: (0,untrusted_text/* neutralizeUntrustedLine */.gK)(verdict.fix) };
}
/** The `preflight` output: the results as documented, without the raw realm kept for the daemon's trust. */
function preflightOutput(results) {
    return JSON.stringify(results, (key, value) => (key === 'tokenRealm' ? undefined : value));
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
/**
 * Annotates each failure (warn) or stops the step (error). A result that is ok but carries a fix (a
 * mirror asking for credentials it was not given) is a warning in either mode.
 */
function enforcePreflight(results, mode) {
    const failures = results.filter(result => !result.ok);
    if (mode === 'error' && failures.length > 0)
        throw new PreflightError(failures);
    for (const result of results.filter(result => !result.ok || result.fix !== '')) {
        core/* warning */.$e(describe(result), { title: `Registry preflight: ${result.host}` });
    }
}
/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result) {
    return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`;
}


/***/ })

};
