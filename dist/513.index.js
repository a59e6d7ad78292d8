export const id = 513;
export const ids = [513];
export const modules = {

/***/ 8513:
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
;// CONCATENATED MODULE: ./src/preflight/diagnosis.ts

const UNKNOWN_AUTHORITY = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT'
]);
/** Turns what a probe saw into a verdict and the input that fixes it. Pure. */
function diagnose(registry, facts, timeoutSeconds) {
    const where = `line ${registry.line} of \`${registry.source}\``;
    const addOption = (option) => addOptionFor(registry, option);
    const code = facts.error ? `${facts.error.code} ${facts.error.message}` : '';
    const failed = (kind, message, fix) => ({ ok: false, kind, message, fix });
    const defaultPort = registry.host.port !== undefined ? '' : ` (no port given, so ${(0,model/* portOf */.HM)(registry.host, registry.transport)})`;
    const checkHostPort = `check the host and port on ${where}${defaultPort}`;
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
    // Go's TLS server answers a missing or untrusted client certificate with one of these alerts.
    if (/CERTIFICATE_REQUIRED|certificate required|BAD_CERTIFICATE|bad certificate|UNKNOWN_CA|unknown ca|CERTIFICATE_UNKNOWN|certificate unknown/i.test(code)) {
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
    if (UNKNOWN_AUTHORITY.has(verifyError)) {
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
const auth_diagnosis_UNKNOWN_AUTHORITY = /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/;
const CLIENT_CERT_ALERT = /CERTIFICATE_REQUIRED|certificate required|BAD_CERTIFICATE|bad certificate|UNKNOWN_CA|unknown ca/i;
/**
 * Turns what logging in saw into a verdict and the input that fixes it. Messages name the realm
 * and the username, never a password or a token. Pure.
 */
function diagnoseAuth(registry, facts, credential, tokenTrust, timeoutSeconds) {
    const host = registry.host.text;
    const realm = facts.realm ?? '(no realm)';
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
            return registry.source === 'mirror'
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
    if (facts.error && facts.stage === 'token-tls' && CLIENT_CERT_ALERT.test(code)) {
        return facts.sentClientCert
            ? failed('token-client-cert', `token endpoint ${realm} rejected the client certificate (${facts.error.code})`, 'pass in `client-cert` and `client-key` a keypair the token endpoint trusts')
            : failed('token-client-cert', `token endpoint ${realm} requires a client certificate (${facts.error.code}), which buildx's token requests cannot present`, 'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them (BUILDKIT_NO_CLIENT_TOKEN)');
    }
    if (facts.error && facts.stage === 'token-tls') {
        const untrusted = auth_diagnosis_UNKNOWN_AUTHORITY.test(code);
        return failed('token-untrusted', untrusted
            ? `token endpoint ${realm}: x509: certificate signed by unknown authority (${facts.error.code}); ${fetcher}`
            : `token endpoint ${realm}: the certificate does not verify (${facts.error.code}: ${facts.error.message})`, untrusted
            ? tokenTrust.fetchedBy === 'buildx'
                ? `pass the CA that signed ${new URL(realm).host}'s certificate in \`ca-cert\``
                : `pass the CA that signed ${new URL(realm).host}'s certificate in \`ca-cert\` (or \`ca=\` on line ${registry.line} of \`${registry.source}\`)`
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
        return registry.source === 'mirror'
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
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
;// CONCATENATED MODULE: ./src/preflight/auth-probe.ts




class DeadlineError extends Error {
    code = 'ETIMEDOUT';
}
const TLS_FAILURE = /CERT|SELF_SIGNED|VERIFY|ALTNAME|ERR_SSL|ERR_TLS|alert|handshake/i;
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
    const registryTls = { ca: target.ca, keypair: target.keypair, verify: target.transport !== 'insecure' };
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
        facts.stage = 'registry';
        facts.registryStatus = (await send(registryUrl, 'GET', { Authorization: `Bearer ${token}` }, '', registryTls, deadline)).status;
        facts.stage = 'done';
    }
    catch (error) {
        const { code, message } = error;
        facts.timedOut = error instanceof DeadlineError;
        facts.error = { code: code ?? 'ERROR', message };
        if (facts.stage === 'token-connect' && code && TLS_FAILURE.test(`${code} ${message}`))
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
    const trust = { ca: tokenTrust.ca, keypair: tokenTrust.keypair, verify: true };
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
/** One request with its own trust, within the deadline; the body is read (tokens are small). */
function send(url, method, headers, body, trust, deadline) {
    return new Promise((resolve, reject) => {
        const secure = url.protocol === 'https:';
        const hostname = url.hostname.replace(/^\[|\]$/g, '');
        const options = {
            method,
            headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...headers },
            // Node's `ca` replaces its roots: keep them, as Go adds to the system pool.
            ...(secure
                ? {
                    ca: trust.ca ? [...external_node_tls_.rootCertificates, trust.ca] : undefined,
                    cert: trust.keypair?.cert,
                    key: trust.keypair?.key,
                    servername: (0,external_node_net_.isIP)(hostname) ? undefined : hostname,
                    rejectUnauthorized: trust.verify
                }
                : {}),
            agent: false
        };
        const request = (secure ? external_node_https_.request : external_node_http_.request)(url, options, (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', chunk => (text += chunk));
            response.on('end', () => {
                clearTimeout(timer);
                resolve({ status: response.statusCode ?? 0, body: text });
            });
            response.on('error', reject);
        });
        const timer = setTimeout(() => request.destroy(new DeadlineError('no answer before the deadline')), Math.max(0, deadline - performance.now()));
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
function preflightScope(source) {
    return source === 'mirror'
        ? 'repository:library/setup-buildkit-registry-preflight:pull'
        : 'repository:setup-buildkit-registry/preflight:pull,push';
}

;// CONCATENATED MODULE: ./src/preflight/probe.ts




const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA']);
class probe_DeadlineError extends Error {
    code = 'ETIMEDOUT';
}
/**
 * Connects to one registry the way BuildKit will (TCP, then TLS with SNI and
 * the same CA and keypair, or plain HTTP) and asks `GET /v2/`, all within
 * `timeoutMs`. Never throws: every failure is recorded in the facts.
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
    const sockets = [];
    try {
        let socket;
        if (target.transport === 'http') {
            socket = await openTcp(hostname, port, deadline, sockets);
        }
        else {
            const secure = await openTls(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'));
            facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
            facts.certificate = certificateFacts(secure);
            socket = secure;
        }
        facts.stage = 'http';
        facts.answer = await getV2(socket, target.host.text, deadline);
        facts.stage = 'done';
    }
    catch (error) {
        facts.timedOut = error instanceof probe_DeadlineError;
        const { code, message } = error;
        facts.error = { code: code ?? 'ERROR', message };
        if (code && DNS_FAILURES.has(code))
            facts.stage = 'resolve';
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
    // The two transport mix-ups get a second look, so the fix can say which one the registry speaks.
    if (target.transport !== 'http' && facts.stage === 'tls' && facts.error && !facts.timedOut) {
        facts.answersPlainHttp = await answersPlainHttp(hostname, target.host.text, port, deadline);
    }
    if (target.transport === 'http' &&
        ((facts.stage === 'http' && facts.error && !facts.timedOut) || facts.answer?.status === 400)) {
        facts.answersTls = await completesTlsHandshake(hostname, port, deadline);
    }
    facts.ms = Math.round(performance.now() - started);
    return facts;
}
function remaining(deadline) {
    return Math.max(0, deadline - performance.now());
}
/** Resolves with `value` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
function settle(socket, event, deadline, value) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new probe_DeadlineError('no answer before the deadline'));
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
 * TCP and TLS in one: tls.connect opens the TCP connection itself (wrapping a
 * socket we opened first crashes Node 20 when the server's alert arrives after
 * teardown). `onConnected` marks the end of the TCP stage.
 */
function openTls(hostname, port, trust, deadline, sockets, onConnected = () => { }) {
    const secure = (0,external_node_tls_.connect)({
        host: hostname,
        port,
        // SNI carries names only; for an address, Node checks the certificate's IP entries against `host`.
        servername: (0,external_node_net_.isIP)(hostname) ? undefined : hostname,
        // Node's `ca` replaces its roots: keep them, as BuildKit adds `ca` to the system pool.
        ca: trust.ca ? [...external_node_tls_.rootCertificates, trust.ca] : undefined,
        cert: trust.keypair?.cert,
        key: trust.keypair?.key,
        // Verification is judged afterwards, from authorizationError, so that it can be explained.
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1']
    });
    sockets.push(secure);
    secure.once('connect', onConnected);
    return settle(secure, 'secureConnect', deadline, () => secure);
}
function certificateFacts(socket) {
    const peer = socket.getPeerCertificate();
    if (!peer || Object.keys(peer).length === 0)
        return undefined;
    const names = peer.subjectaltname ? peer.subjectaltname.split(', ') : [];
    return { names, validFrom: peer.valid_from, validTo: peer.valid_to };
}
/** `GET /v2/` over an open connection: the registry API root answers 200, or 401 asking for credentials. */
function getV2(socket, host, deadline) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new probe_DeadlineError('no HTTP answer before the deadline'));
        }, remaining(deadline));
        const req = (0,external_node_http_.request)({
            createConnection: () => socket,
            path: '/v2/',
            method: 'GET',
            headers: { Host: host, 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close' }
        });
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
async function answersPlainHttp(hostname, host, port, deadline) {
    const sockets = [];
    try {
        await getV2(await openTcp(hostname, port, deadline, sockets), host, deadline);
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
async function completesTlsHandshake(hostname, port, deadline) {
    const sockets = [];
    try {
        await openTls(hostname, port, { ca: '' }, deadline, sockets);
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
        const facts = await probeRegistry(registry, timeoutSeconds * 1000);
        const result = { host: registry.host.text, mode: registry.mode, ms: facts.ms };
        const verdict = diagnose(registry, facts, timeoutSeconds);
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
            scope: preflightScope(registry.source)
        }, started + timeoutSeconds * 1000);
        return {
            ...result,
            realm: challenge.realm,
            ...diagnoseAuth(registry, authFacts, credential, tokenTrust, timeoutSeconds),
            ms: Math.round(performance.now() - started)
        };
    }));
}
/** One line per registry, in a folded group of the log. */
function reportPreflight(results) {
    core/* startGroup */.Oh(`Preflight: ${results.length} ${results.length === 1 ? 'registry' : 'registries'}`);
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


/***/ })

};
