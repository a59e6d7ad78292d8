export const id = 590;
export const ids = [590];
export const modules = {

/***/ 982:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PreflightError: () => (/* binding */ PreflightError),
  enforcePreflight: () => (/* binding */ enforcePreflight),
  preflightOutput: () => (/* binding */ preflightOutput),
  reportPreflight: () => (/* binding */ reportPreflight),
  runPreflight: () => (/* binding */ runPreflight)
});

// EXTERNAL MODULE: ./src/actions-core.ts
var actions_core = __webpack_require__(1938);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(182);
// EXTERNAL MODULE: ./src/preflight/verdict.ts
var verdict = __webpack_require__(554);
;// CONCATENATED MODULE: ./src/preflight/proxy-diagnosis.ts

// The way to a registry through the runner's proxy, as Go's proxy rules chose it: what went wrong
// before the registry could answer. Pure.
/**
 * What went wrong on the way through the proxy, before the registry could answer: the proxy
 * itself unreachable or refusing, or the registry unreachable from it. undefined: the registry
 * answered through it (or failed in TLS or HTTP), for diagnoseRegistry.
 */
function diagnoseProxy(registry, facts, timeoutSeconds, checkHostPort) {
    const proxy = facts.proxy ?? '';
    const variable = proxyVariable(proxy);
    const exempt = `or list ${registry.host.hostname} in NO_PROXY if the runner and the builder reach it directly`;
    if (facts.error?.code === 'EPROXYCGI')
        return (0,verdict/* failed */.g)('proxy-refused', `HTTP_PROXY is refused: ${facts.error.message}`, "unset REQUEST_METHOD in the job's environment (Go takes it for a CGI request)");
    // Never `ok` for what was not looked at: a build may still fail there. Under `preflight: warn` (the
    // default) this is an annotation, not a failure.
    if (facts.error?.code === 'EPROXYSCHEME')
        return (0,verdict/* failed */.g)('proxy-unsupported', `not checked: ${facts.error.message} (${proxy}), which BuildKit goes through`, 'check the registry through that proxy yourself, and keep `preflight: warn` (or set `preflight: off`), ' + exempt);
    if (facts.stage === 'resolve' || facts.stage === 'connect') {
        const what = facts.timedOut
            ? `got no answer within ${timeoutSeconds} s`
            : facts.stage === 'resolve'
                ? `does not resolve (${facts.error?.code})`
                : facts.error?.code === 'ECONNREFUSED'
                    ? 'refused the connection'
                    : `failed: ${facts.error?.message}`;
        return (0,verdict/* failed */.g)('proxy-unreachable', `unreachable: the proxy ${proxy} ${what}`, `check ${variable} on the runner (the builder gets the same), ${exempt}`);
    }
    if (facts.stage !== 'proxy' || !facts.error)
        return undefined;
    return diagnoseTunnel(registry, facts, timeoutSeconds, checkHostPort, exempt);
}
/** The proxy answered CONNECT, but no tunnel to the registry came of it. */
function diagnoseTunnel(registry, facts, timeoutSeconds, checkHostPort, exempt) {
    const proxy = facts.proxy ?? '';
    const variable = proxyVariable(proxy);
    const status = facts.proxyStatus;
    if (status === 407)
        return (0,verdict/* failed */.g)('proxy-refused', `the proxy ${proxy} wants credentials (407 Proxy Authentication Required)`, `put the proxy's user and password in ${variable} (http://USER:PASSWORD@HOST:PORT), or check them`);
    if (status === 502 || status === 503 || status === 504)
        return (0,verdict/* failed */.g)('unreachable', `unreachable through the proxy ${proxy}: it answered ${status} for ${registry.host.text}`, `${checkHostPort}, and that the proxy can reach it (${exempt})`);
    if (status !== undefined)
        return (0,verdict/* failed */.g)('proxy-refused', `the proxy ${proxy} refused ${registry.host.text} (${status})`, `have the proxy allow ${registry.host.text}, ${exempt}`);
    if (facts.timedOut)
        return (0,verdict/* failed */.g)('unreachable', `unreachable through the proxy ${proxy}: no tunnel to ${registry.host.text} within ${timeoutSeconds} s`, `${checkHostPort}, and that the proxy can reach it (${exempt})`);
    return (0,verdict/* failed */.g)('proxy-refused', `the proxy ${proxy} failed: ${facts.error?.message}`, `check ${variable} on the runner, ${exempt}`);
}
/** The variable the proxy came from, as the probe names it: `http://proxy:3128 (HTTPS_PROXY)`. */
function proxyVariable(proxy) {
    return /\((\w+)\)$/.exec(proxy)?.[1] ?? 'HTTPS_PROXY';
}

;// CONCATENATED MODULE: ./src/preflight/tls-errors.ts
// What Node's TLS errors say, read in one place by both diagnoses (registry and token endpoint). Pure.
/**
 * Node's verification codes for a certificate no trusted CA signed (Go: "x509: certificate signed by unknown
 * authority").
 */
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
const CLIENT_CERT_ALERT = new RegExp([
    'CERTIFICATE_REQUIRED|certificate required|BAD_CERTIFICATE|bad certificate',
    'UNKNOWN_CA|unknown ca|CERTIFICATE_UNKNOWN|certificate unknown'
].join('|'), 'i');
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
/** The registry's own answer (or silence), reached directly or through the proxy. */
function diagnoseRegistry(registry, facts, timeoutSeconds, where, checkHostPort) {
    const beforeAnswer = diagnoseUnreached(registry, facts, timeoutSeconds, checkHostPort) ??
        diagnoseHandshake(registry, facts, where, checkHostPort);
    if (beforeAnswer)
        return beforeAnswer;
    const certificateProblem = facts.verifyError ? explainCertificate(registry, facts, where) : undefined;
    if (certificateProblem && registry.transport !== 'insecure')
        return certificateProblem;
    const answer = describeAnswer(facts, timeoutSeconds);
    if (!answer.ok)
        return (0,verdict/* failed */.g)('not-a-registry', answer.text, `check the host and port on ${where}: a registry answers GET /v2/ with 200, or 401 asking for credentials`);
    const note = certificateProblem ? `; certificate not verified (\`insecure\`): ${certificateProblem.message}` : '';
    return (0,verdict/* passed */.b)('registry', `${answer.text}${note}`);
}
/** No connection: the name does not resolve, the port refuses, or nothing answered in time. */
function diagnoseUnreached(registry, facts, timeoutSeconds, checkHostPort) {
    if (facts.timedOut && facts.stage !== 'http') {
        const what = {
            resolve: 'the DNS lookup',
            connect: 'the connection (DNS lookup and TCP connect)',
            tls: 'the TLS handshake (the port accepts connections but does not answer)'
        }[facts.stage];
        return (0,verdict/* failed */.g)('unreachable', `unreachable: ${what} got no answer within ${timeoutSeconds} s (i/o timeout)`, `${checkHostPort}, and that the runner can reach it`);
    }
    if (facts.stage !== 'resolve' && facts.stage !== 'connect')
        return undefined;
    const why = facts.stage === 'resolve'
        ? `${registry.host.hostname} does not resolve (${facts.error?.code})`
        : facts.error?.code === 'ECONNREFUSED'
            ? 'connection refused'
            : facts.error?.message;
    return (0,verdict/* failed */.g)('unreachable', `unreachable: ${why}`, checkHostPort);
}
/** Connected, but the handshake says the registry is listed with the wrong transport or identity. */
function diagnoseHandshake(registry, facts, where, checkHostPort) {
    const code = facts.error ? `${facts.error.code} ${facts.error.message}` : '';
    if (/UNRECOGNIZED_NAME|unrecognized name/i.test(code)) {
        return (0,verdict/* failed */.g)('unrecognized-name', `TLS alert \`unrecognized name\`: the server has no certificate for ${registry.host.hostname}`, `use the name the server serves on ${where}`);
    }
    if (isClientCertAlert(code)) {
        return facts.sentClientCert
            ? (0,verdict/* failed */.g)('client-cert-rejected', `the registry rejected the client certificate (${facts.error?.code})`, 'pass in `client-cert` and `client-key` a keypair issued by a CA the registry trusts')
            : (0,verdict/* failed */.g)('client-cert-required', `the registry requires a client certificate (${facts.error?.code})`, 'pass `client-cert` and `client-key`');
    }
    if (facts.answersPlainHttp) {
        return (0,verdict/* failed */.g)('http-registry', 'this is an HTTP registry: it answered plain HTTP, not TLS ' +
            '(BuildKit: "server gave HTTP response to HTTPS client")', addOptionFor(registry, 'http'));
    }
    if (facts.answersTls) {
        return (0,verdict/* failed */.g)('tls-registry', 'it speaks TLS, but is listed as `http`', `remove \`http\` from ${where}`);
    }
    if (facts.stage === 'tls') {
        return (0,verdict/* failed */.g)('tls-failed', `the TLS handshake failed: ${facts.error?.message}`, checkHostPort);
    }
    return undefined;
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
    if (isUnknownAuthority(verifyError)) {
        const trusted = registry.ca ? 'the CA in `ca-cert`/`ca=` did not sign it' : 'no `ca-cert` was given';
        return (0,verdict/* failed */.g)('unknown-authority', `x509: certificate signed by unknown authority (${verifyError}; ${trusted})`, `pass its CA in \`ca-cert\` (or ${addOption('ca=PATH')}), or ${addOption('insecure')} for throwaway setups`);
    }
    if (verifyError === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        const names = certificate?.names.map(name => name.replace(/^(DNS|IP Address):/, '')).join(', ') || 'no subjectAltName';
        return (0,verdict/* failed */.g)('wrong-name', `x509: certificate is valid for ${names}, not ${registry.host.hostname}`, `use one of those names on ${where}, or reissue the certificate for ${registry.host.hostname} ` +
            `(for localhost-only setups, ${addOption('insecure')})`);
    }
    if (verifyError === 'CERT_HAS_EXPIRED') {
        return (0,verdict/* failed */.g)('expired', `x509: certificate has expired: valid from ${certificate?.validFrom} until ${certificate?.validTo}`, "renew the registry's certificate (check the runner's clock too)");
    }
    if (verifyError === 'CERT_NOT_YET_VALID') {
        return (0,verdict/* failed */.g)('not-yet-valid', `x509: certificate is not yet valid: valid from ${certificate?.validFrom} until ${certificate?.validTo}`, 'check the clocks of the registry and the runner, or reissue the certificate');
    }
    return (0,verdict/* failed */.g)('tls-failed', `the certificate does not verify (${verifyError})`, `pass its CA in \`ca-cert\`, or check the certificate the registry serves on ${where}`);
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
    const seen = {
        registry,
        facts,
        credential,
        tokenTrust,
        timeoutSeconds,
        // A realm reached through a proxy is named with it (without its credentials).
        realm: `${facts.realm ?? '(no realm)'}${facts.realmProxy ? ` (through the proxy ${facts.realmProxy})` : ''}`,
        // `username`/`password` are never sent to a mirror that `registries` does not list
        // (inputs/read-inputs.ts credentialHosts): a mirror needs credentials of its own.
        passCredentials: (0,model/* isMirrorOnly */.Mj)(registry)
            ? `give the mirror ${host} credentials of its own: a \`credentials\` line ${host}=USERNAME:PASSWORD, ` +
                'or list it in `registries` so that `username`/`password` apply to it (they are not sent to unlisted ' +
                'mirrors); or log in to it (docker/login-action) before this step'
            : `pass \`username\` and \`password\` (or a \`credentials\` line ${host}=USERNAME:PASSWORD), ` +
                'or log in (docker/login-action) before this step',
        who: credential ? `${credential.username} (from ${credential.from})` : '',
        code: facts.error ? `${facts.error.code} ${facts.error.message}` : ''
    };
    if (facts.scheme === 'basic')
        return diagnoseBasicAuth(seen);
    return diagnoseTokenError(seen) ?? diagnoseTokenAnswer(seen);
}
/** A registry that asks for basic auth: GET /v2/ with the credentials answers for itself. */
function diagnoseBasicAuth({ registry, facts, credential, passCredentials, who, code }) {
    if (!credential) {
        // ok, since a build may still pull from the upstream; the fix makes it a warning (preflight.ts).
        return (0,model/* isMirrorOnly */.Mj)(registry)
            ? (0,verdict/* passed */.b)('credentials-missing', 'no credentials for this mirror: it asks for basic auth (GET /v2/: 401); pulls through it will fail', passCredentials)
            : (0,verdict/* failed */.g)('credentials-missing', 'no credentials for it: it asks for basic auth (GET /v2/: 401)', passCredentials);
    }
    if (facts.error)
        return (0,verdict/* failed */.g)('token-failed', `GET /v2/ with the credentials of ${who} failed: ${code}`, '');
    if (facts.registryStatus === 200)
        return (0,verdict/* passed */.b)('credentials-accepted', `credentials of ${who} accepted (GET /v2/: 200)`);
    return (0,verdict/* failed */.g)('credentials-rejected', `the registry rejected the credentials of ${who} (GET /v2/: ${facts.registryStatus})`, `check the username and password in ${credential.from}`);
}
const REACH_REALM = "the runner and the builder must reach the realm the registry announces: check its token service's external URL";
/** A token login that ended in an error (no answer, TLS, connection): its verdict, or undefined when none did. */
function diagnoseTokenError(seen) {
    const { facts, realm, code } = seen;
    if (facts.timedOut)
        return (0,verdict/* failed */.g)('token-unreachable', `token endpoint ${realm} got no answer within ${seen.timeoutSeconds} s`, REACH_REALM);
    if (facts.error?.code === 'ERR_INVALID_URL')
        return (0,verdict/* failed */.g)('token-failed', `the registry announces no usable token realm (${realm})`, "check the registry's token auth settings (realm)");
    if (!facts.error)
        return undefined;
    if (facts.stage === 'token-tls')
        return diagnoseTokenTls(seen, facts.error.code);
    if (facts.stage === 'token-connect') {
        const reason = facts.error.code === 'ECONNREFUSED' ? 'connection refused' : code;
        return (0,verdict/* failed */.g)('token-unreachable', `token endpoint ${realm} unreachable (${reason})`, REACH_REALM);
    }
    return (0,verdict/* failed */.g)('token-failed', `logging in through ${realm} failed at ${facts.stage}: ${code}`, '');
}
/** The token endpoint's TLS handshake failed: a client certificate it wants, a CA nobody gave, or another failure. */
function diagnoseTokenTls({ registry, facts, tokenTrust, realm, code }, errorCode) {
    if (isClientCertAlert(code)) {
        return facts.sentClientCert
            ? (0,verdict/* failed */.g)('token-client-cert', `token endpoint ${realm} rejected the client certificate (${errorCode})`, 'pass in `client-cert` and `client-key` a keypair the token endpoint trusts')
            : (0,verdict/* failed */.g)('token-client-cert', `token endpoint ${realm} requires a client certificate (${errorCode}), ` +
                "which buildx's token requests cannot present", 'pass `client-cert` and `client-key`: the action then has BuildKit fetch tokens itself, presenting them ' +
                '(BUILDKIT_NO_CLIENT_TOKEN)');
    }
    if (!isUnknownAuthority(code))
        return (0,verdict/* failed */.g)('token-untrusted', `token endpoint ${realm}: the certificate does not verify (${errorCode}: ${facts.error?.message})`, 'check the certificate the token endpoint serves, or pass its CA in `ca-cert`');
    const byBuildx = tokenTrust.fetchedBy === 'buildx';
    const fetcher = byBuildx
        ? 'buildx fetches tokens on the runner, trusting the system roots plus `ca-cert` and every `ca=`'
        : "BuildKit fetches tokens itself (BUILDKIT_NO_CLIENT_TOKEN, for mTLS registries), trusting the registry's own CA";
    const passCa = `pass the CA that signed ${new URL(facts.realm ?? '').host}'s certificate in \`ca-cert\``;
    return (0,verdict/* failed */.g)('token-untrusted', `token endpoint ${realm}: x509: certificate signed by unknown authority (${errorCode}); ${fetcher}`, byBuildx ? passCa : `${passCa} (or \`ca=\` on ${(0,model/* whereConfigured */.Ux)(registry)})`);
}
/** The token endpoint answered: granted or not, and whether the registry took the token. */
function diagnoseTokenAnswer({ registry, facts, credential, realm, who, passCredentials }) {
    if (facts.tokenStatus !== 200) {
        if (credential && (facts.tokenStatus === 401 || facts.tokenStatus === 403))
            return (0,verdict/* failed */.g)('credentials-rejected', `token endpoint ${realm} rejected the credentials of ${who} (${facts.tokenStatus})`, `check the username and password in ${credential.from}`);
        if (!credential)
            return (0,verdict/* failed */.g)('credentials-missing', `no credentials for it, and token endpoint ${realm} gives no anonymous token (${facts.tokenStatus})`, passCredentials);
        return (0,verdict/* failed */.g)('token-failed', `token endpoint ${realm} answered ${facts.tokenStatus} without a token`, '');
    }
    if (facts.registryStatus !== 200)
        return (0,verdict/* failed */.g)('token-refused', `token endpoint ${realm} granted a token, but the registry refused it (GET /v2/: ${facts.registryStatus})`, "the registry's token settings (issuer, service, signing certificate) do not match its token service");
    if (!credential) {
        const message = `no credentials for it: token endpoint ${realm} grants only an anonymous token`;
        return (0,model/* isMirrorOnly */.Mj)(registry)
            ? (0,verdict/* passed */.b)('credentials-missing', `${message} (enough for public pulls)`)
            : (0,verdict/* failed */.g)('credentials-missing', `${message}, which cannot push`, passCredentials);
    }
    return (0,verdict/* passed */.b)('token-granted', `token granted by ${realm} for ${who}, accepted by the registry`);
}

// EXTERNAL MODULE: ./src/registry-client/challenge.ts
var registry_client_challenge = __webpack_require__(7364);
// EXTERNAL MODULE: ./src/untrusted-text.ts
var untrusted_text = __webpack_require__(8521);
// EXTERNAL MODULE: ./src/registry-client/proxy-route.ts
var proxy_route = __webpack_require__(8897);
// EXTERNAL MODULE: ./src/registry-client/send.ts
var send = __webpack_require__(6027);
// EXTERNAL MODULE: ./src/registry-client/tls.ts
var tls = __webpack_require__(724);
// EXTERNAL MODULE: ./src/registry-client/token.ts
var token = __webpack_require__(416);
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
    const registryUrl = new URL(`${(0,model/* originOf */.yv)(target)}/v2/`);
    try {
        let authorization;
        if (scheme === 'basic') {
            if (!target.credential)
                return facts;
            authorization = `Basic ${(0,model/* basicAuth */.tB)(target.credential)}`;
        }
        else {
            const realm = new URL(target.challenge.realm ?? '');
            facts.sentClientCert = !!target.tokenTrust.keypair && realm.protocol === 'https:';
            facts.stage = 'token-connect';
            const token = await fetchToken(realm, target, facts, deadline);
            if (token === undefined)
                return facts;
            facts.tokenFetched = true;
            facts.stage = 'registry';
            authorization = `Bearer ${token}`;
        }
        const registryTls = (0,send/* registryTrust */.EP)(target, target.proxyEnv?.builder);
        facts.registryStatus = (await (0,send/* send */.tN)(registryUrl, 'GET', { Authorization: authorization }, '', registryTls, deadline)).status;
        facts.stage = 'done';
    }
    catch (error) {
        const { code, message } = error;
        facts.timedOut = error instanceof tls/* DeadlineError */.j;
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
    facts.realmProxy = (0,proxy_route/* proxyRoute */.w7)(proxyEnv, realm).route?.shown;
    const trust = { ca: tokenTrust.ca, keypair: tokenTrust.keypair, verify: true, proxyEnv };
    const get = () => (0,token/* getToken */.gf)((0,token/* tokenUrl */.vQ)(realm, challenge.service, [scope]), credential, trust, deadline);
    const post = () => {
        const form = new URLSearchParams({ scope, client_id: 'buildkit-client', grant_type: 'password' });
        if (challenge.service)
            form.set('service', challenge.service);
        form.set('username', credential?.username ?? '');
        form.set('password', credential?.password ?? '');
        const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
        return (0,send/* send */.tN)(realm, 'POST', headers, form.toString(), trust, deadline);
    };
    const order = !credential ? [get] : tokenTrust.fetchedBy === 'buildx' ? [post, get] : [get, post];
    let answer = await order[0]();
    facts.stage = 'token';
    if (order.length > 1 && [401, 404, 405].includes(answer.status))
        answer = await order[1]();
    facts.tokenStatus = answer.status;
    return answer.status === 200 ? (0,token/* tokenIn */.jf)(answer) : undefined;
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

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: ./src/registry-client/connect.ts
var connect = __webpack_require__(4123);
;// CONCATENATED MODULE: ./src/preflight/probe.ts





const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENODATA']);
/**
 * Connects to one registry the way BuildKit will (TCP, then TLS with SNI and the same CA and
 * keypair, or plain HTTP; through the proxy Go's rules pick for it, as BuildKit's Go client
 * would: CONNECT for TLS, an absolute-form request for plain HTTP) and asks `GET /v2/`, all
 * within `timeoutMs`. Never throws: every failure is recorded in the facts.
 */
async function probeRegistry(target, timeoutMs) {
    const started = performance.now();
    const deadline = started + timeoutMs;
    const facts = {
        stage: 'connect',
        timedOut: false,
        sentClientCert: !!target.keypair && target.transport !== 'http',
        ms: 0
    };
    const url = new URL(`${(0,model/* originOf */.yv)(target)}/v2/`);
    const { route, error: refusal } = (0,proxy_route/* proxyRoute */.w7)(target.proxyEnv?.builder, url);
    facts.proxy = route?.shown;
    if (refusal) {
        facts.error = { code: 'EPROXYCGI', message: refusal };
        facts.ms = Math.round(performance.now() - started);
        return facts;
    }
    const sockets = [];
    try {
        const probing = { target, route, facts, deadline, sockets };
        if (target.transport === 'http')
            await askPlainHttp(probing, url);
        else
            await askTls(probing);
        facts.stage = 'done';
    }
    catch (error) {
        facts.timedOut = error instanceof tls/* DeadlineError */.j;
        if (error instanceof proxy_route/* ProxyAnswerError */.J8)
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
    await secondLook(target, facts, deadline, route);
    facts.ms = Math.round(performance.now() - started);
    return facts;
}
/** GET /v2/ over plain HTTP, directly or through the proxy (whose own answers, 407, 502…, are its refusal). */
async function askPlainHttp({ target, route, facts, deadline, sockets }, url) {
    const { hostname } = target.host;
    const socket = route
        ? await (0,proxy_route/* openProxy */.hb)(route, target, deadline, sockets)
        : await (0,connect/* openTcp */.UD)(hostname, (0,model/* portOf */.HM)(target.host, target.transport), deadline, sockets);
    facts.stage = route ? 'proxy' : 'http';
    const answer = await getV2(socket, target.host.text, deadline, route && { url: url.href, route });
    if (route && proxy_route/* PROXY_ANSWERS */.TC.has(answer.status)) {
        facts.proxyStatus = answer.status;
        throw new proxy_route/* ProxyAnswerError */.J8(answer.status, `the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`);
    }
    facts.stage = 'http';
    facts.answer = answer;
}
/** TLS (through the proxy's tunnel when there is one), verification judged afterwards, then GET /v2/. */
async function askTls({ target, route, facts, deadline, sockets }) {
    const { hostname } = target.host;
    const port = (0,model/* portOf */.HM)(target.host, target.transport);
    const toProxy = () => (facts.stage = 'proxy');
    const tunnel = route ? await (0,proxy_route/* openTunnel */.X)(route, target, hostname, port, deadline, sockets, toProxy) : undefined;
    const secure = await (0,connect/* openTls */.Gd)(hostname, port, target, deadline, sockets, () => (facts.stage = 'tls'), tunnel);
    facts.verifyError = secure.authorizationError ? String(secure.authorizationError) : undefined;
    facts.certificate = certificateFacts(secure);
    facts.stage = 'http';
    facts.answer = await getV2(secure, target.host.text, deadline);
}
/** The two transport mix-ups get a second look, so the fix can say which one the registry speaks. */
async function secondLook(target, facts, deadline, route) {
    const { hostname } = target.host;
    const port = (0,model/* portOf */.HM)(target.host, target.transport);
    // A raw connection to the registry's port: direct, or a tunnel through the proxy.
    const openRaw = (sockets) => route ? (0,proxy_route/* openTunnel */.X)(route, target, hostname, port, deadline, sockets) : (0,connect/* openTcp */.UD)(hostname, port, deadline, sockets);
    // A TLS registry whose handshake failed: does the port answer GET /v2/ in plain HTTP?
    if (target.transport !== 'http' && facts.stage === 'tls' && facts.error && !facts.timedOut) {
        facts.answersPlainHttp = await succeeds(async (sockets) => getV2(await openRaw(sockets), target.host.text, deadline));
    }
    // A registry listed as `http` that answered oddly: does the port complete a TLS handshake (unverified)?
    if (target.transport === 'http' &&
        ((facts.stage === 'http' && facts.error && !facts.timedOut) || facts.answer?.status === 400)) {
        facts.answersTls = await succeeds(async (sockets) => {
            // Through the proxy's tunnel; directly, openTls opens its own TCP connection.
            const tunnel = route ? await openRaw(sockets) : undefined;
            await (0,connect/* openTls */.Gd)(hostname, port, { ca: '' }, deadline, sockets, undefined, tunnel);
        });
    }
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
    return (0,connect/* beforeDeadline */.OJ)(deadline, 'no HTTP answer before the deadline', (resolve, reject) => {
        const headers = {
            Host: host,
            'User-Agent': 'setup-buildkit-registry-preflight',
            Connection: 'close'
        };
        if (viaProxy?.route.authorization)
            headers['Proxy-Authorization'] = viaProxy.route.authorization;
        const req = (0,external_node_http_.request)({ createConnection: () => socket, path: viaProxy?.url ?? '/v2/', method: 'GET', headers });
        req.once('response', response => {
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
        req.once('error', reject);
        req.end();
        return socket;
    });
}
/** Whether `attempt` succeeds; the sockets it opened are closed either way. */
async function succeeds(attempt) {
    const sockets = [];
    try {
        await attempt(sockets);
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
        const verdict = shown(diagnose(registry, facts, timeoutSeconds));
        const header = facts.answer?.status === 401 ? facts.answer.wwwAuthenticate : undefined;
        if (!verdict.ok || !header)
            return { ...result, ...verdict };
        const challenge = (0,registry_client_challenge/* parseChallenge */.x)(header);
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
    actions_core/* startGroup */.Oh(`Preflight: ${results.length} ${results.length === 1 ? 'registry' : 'registries'}${from ? ` (${from})` : ''}`);
    for (const result of results)
        actions_core/* info */.pq(`${result.ok ? 'ok  ' : 'FAIL'} ${describe(result)} (${result.mode}, ${result.ms} ms)`);
    actions_core/* endGroup */.N4();
}
/** Thrown in `preflight: error` mode, before anything is written or created. */
class PreflightError extends Error {
    constructor(failures) {
        const registries = `${failures.length} registr${failures.length === 1 ? 'y' : 'ies'}`;
        const lines = failures.map(failure => `- ${describe(failure)}`);
        super(`Preflight found ${registries} that a build would fail on:\n${lines.join('\n')}`);
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
        actions_core/* warning */.$e(describe(result), { title: `Registry preflight: ${result.host}` });
    }
}
/** `host: what happened. Fix: what to change`, the same in the log, the annotation and the error. */
function describe(result) {
    return `${result.host}: ${result.message}${result.fix ? `. Fix: ${result.fix}` : ''}`;
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


/***/ }),

/***/ 7364:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ parseChallenge)
/* harmony export */ });
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


/***/ }),

/***/ 4123:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gd: () => (/* binding */ openTls),
/* harmony export */   OJ: () => (/* binding */ beforeDeadline),
/* harmony export */   Tk: () => (/* binding */ remaining),
/* harmony export */   UD: () => (/* binding */ openTcp)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _tls_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(724);



// Connections within a deadline, every socket recorded in `sockets` for the caller to destroy.
function remaining(deadline) {
    return Math.max(0, deadline - performance.now());
}
/**
 * Settles as `start` has it, or rejects at the deadline with a DeadlineError saying `message`, after
 * destroying what `start` opened (and returned); the timer is cleared however it settles.
 */
function beforeDeadline(deadline, message, start) {
    return new Promise((resolve, reject) => {
        // The timer first: `start` may settle before it returns, and settling clears the timer.
        const timer = setTimeout(() => {
            opened.destroy();
            reject(new _tls_js__WEBPACK_IMPORTED_MODULE_2__/* .DeadlineError */ .j(message));
        }, remaining(deadline));
        const cleared = (settle) => (value) => {
            clearTimeout(timer);
            settle(value);
        };
        const opened = start(cleared(resolve), cleared(reject));
    });
}
/** Resolves with `socket` on `event`, rejects on 'error' or at the deadline (destroying the socket). */
function reached(socket, event, deadline) {
    return beforeDeadline(deadline, 'no answer before the deadline', (resolve, reject) => {
        socket.once(event, () => resolve(socket));
        socket.once('error', reject);
        return socket;
    });
}
/**
 * Node resolves the name and tries each address in turn (autoSelectFamily is on by default), as Go's
 * dialer does for BuildKit.
 */
function openTcp(hostname, port, deadline, sockets) {
    const socket = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.connect)({ host: hostname, port });
    sockets.push(socket);
    return reached(socket, 'connect', deadline);
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
    const secure = (0,node_tls__WEBPACK_IMPORTED_MODULE_1__.connect)({
        ...(tunnel ? { socket: tunnel } : { host: hostname, port }),
        ...(0,_tls_js__WEBPACK_IMPORTED_MODULE_2__/* .trustOptions */ .z)(hostname, trust),
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1']
    });
    sockets.push(secure);
    if (tunnel)
        onConnected();
    else
        secure.once('connect', onConnected);
    return reached(secure, 'secureConnect', deadline);
}


/***/ }),

/***/ 8555:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PullError: () => (/* binding */ PullError),
  pullImage: () => (/* binding */ pullImage)
});

// EXTERNAL MODULE: ./src/crypto.ts
var src_crypto = __webpack_require__(5414);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./src/sleep.ts
var sleep = __webpack_require__(6972);
// EXTERNAL MODULE: ./src/untrusted-text.ts
var untrusted_text = __webpack_require__(8521);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(182);
// EXTERNAL MODULE: ./src/registry-client/image-source.ts
var image_source = __webpack_require__(6208);
// EXTERNAL MODULE: ./src/registry-client/send.ts
var send = __webpack_require__(6027);
// EXTERNAL MODULE: ./src/registry-client/token.ts
var registry_client_token = __webpack_require__(416);
;// CONCATENATED MODULE: ./src/registry-client/registry-client.ts






/** A registry's refusal, its own words neutralized (they are shown in the log). */
class RegistryError extends Error {
    status;
    constructor(message, status) {
        super(message);
        this.status = status;
        this.name = 'RegistryError';
    }
}
const INDEX_ACCEPT = [image_source/* OCI_INDEX */.$p, image_source/* MANIFEST_LIST */.Bc, image_source/* OCI_MANIFEST */.EG, image_source/* DOCKER_MANIFEST */.Vv].join(', ');
/** A request's deadline (a manifest, a token, a mount). */
const DEADLINE_MS = 60_000;
/** A blob may be large and the link slow; the deadline only ends a transfer that hangs. */
const BLOB_DEADLINE_MS = 30 * 60_000;
/** The statuses of a redirect: a blob's GET follows them, the pull lets them through. */
const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 5;
function digestOf(bytes) {
    return `sha256:${(0,src_crypto/* sha256Hex */.fg)(bytes)}`;
}
class RegistryClient {
    endpoint;
    scopes;
    options;
    authorization;
    trust;
    base;
    /** The registry's origin as URLs compare it (a default port left out). */
    origin;
    /** `scopes`: every token asks for them all (`repository:NAME:pull,push`, `repository:SRC:pull`). */
    constructor(endpoint, scopes, options = {}) {
        this.endpoint = endpoint;
        this.scopes = scopes;
        this.options = options;
        this.base = (0,model/* originOf */.yv)(endpoint);
        this.origin = new URL(this.base).origin;
        this.trust = (0,send/* registryTrust */.EP)(endpoint, endpoint.proxyEnv);
    }
    /**
     * The manifest or index at `reference`, checked against it when it is a digest; undefined when the
     * registry has none.
     */
    async manifest(repository, reference) {
        const answer = await this.request('GET', `/v2/${repository}/manifests/${reference}`, { Accept: INDEX_ACCEPT });
        if (answer.status === 404)
            return undefined;
        expectStatus(answer, [200], `GET ${repository} manifest ${reference}`);
        const bytes = Buffer.from(answer.body, 'utf8');
        const digest = digestOf(bytes);
        if (reference.startsWith('sha256:') && digest !== reference)
            throw new RegistryError(`the manifest ${reference} of ${repository} arrived as ${digest}`);
        const mediaType = String(answer.headers['content-type'] ?? '')
            .split(';')[0]
            .trim();
        return { bytes, mediaType: JSON.parse(answer.body).mediaType || mediaType, digest };
    }
    async hasBlob(repository, digest) {
        const answer = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, {});
        if (answer.status === 404)
            return false;
        expectStatus(answer, [200, 307], `HEAD ${repository} blob ${digest}`);
        return true;
    }
    /** The blob's bytes (following a redirect to storage, without our Authorization), checked against its digest. */
    async blob(repository, digest) {
        let bytes;
        const sink = async (response) => {
            const chunks = [];
            for await (const chunk of response)
                chunks.push(chunk);
            bytes = Buffer.concat(chunks);
        };
        const answer = await this.getFollowing(`/v2/${repository}/blobs/${digest}`, sink);
        expectStatus(answer, [200], `GET ${repository} blob ${digest}`);
        if (!bytes || digestOf(bytes) !== digest)
            throw new RegistryError(`the blob ${digest} of ${repository} arrived damaged`);
        return bytes;
    }
    /**
     * Mounts `digest` from `from` into `repository`: true when the registry did (201); false when it
     * refused and started an upload instead (202, as the distribution spec lets it), which `upload`
     * then finishes at the location it gave.
     */
    async mount(repository, digest, from) {
        const query = new URLSearchParams({ mount: digest, from });
        const answer = await this.request('POST', `/v2/${repository}/blobs/uploads/?${query}`, { 'Content-Length': '0' });
        if (answer.status === 201)
            return { mounted: true };
        expectStatus(answer, [202], `mount ${digest} from ${from} into ${repository}`);
        return { mounted: false, location: this.location(answer, 'the mount') };
    }
    /** A monolithic upload of `bytes` as `digest`, at `location` (an upload already started) or a new one. */
    async upload(repository, digest, bytes, location) {
        if (!location) {
            const started = await this.request('POST', `/v2/${repository}/blobs/uploads/`, { 'Content-Length': '0' });
            expectStatus(started, [202], `start an upload to ${repository}`);
            location = this.location(started, 'the upload');
        }
        const url = new URL(location, this.base);
        url.searchParams.set('digest', digest);
        const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) };
        const answer = await this.request('PUT', url.pathname + url.search, headers, bytes, undefined, BLOB_DEADLINE_MS);
        expectStatus(answer, [201], `upload ${digest} to ${repository}`);
    }
    /** PUT a manifest or index under `reference` (its digest, or a tag); the registry's digest must be ours. */
    async putManifest(repository, reference, mediaType, bytes) {
        const headers = { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) };
        const answer = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, headers, bytes);
        expectStatus(answer, [201], `PUT ${repository} manifest ${reference}`);
        const stored = answer.headers['docker-content-digest'];
        if (stored && stored !== digestOf(bytes))
            throw new RegistryError(`the registry stored ${repository}:${reference} as ${(0,untrusted_text/* neutralizeUntrustedLine */.gK)(String(stored), 100)}, ` +
                `not ${digestOf(bytes)}`);
    }
    location(answer, what) {
        const location = answer.headers.location;
        if (!location)
            throw new RegistryError(`the registry started ${what} without a Location`);
        // Only a path (or a URL) on this registry: an upload sends our Authorization there.
        const url = new URL(location, this.base);
        if (url.origin !== this.base)
            throw new RegistryError(`the registry sent ${what} to another host (${(0,untrusted_text/* neutralizeUntrustedLine */.gK)(url.origin, 200)})`);
        return url.href;
    }
    /**
     * GET a blob, following redirects (to storage, a CDN): the registry's Authorization goes only to its
     * own origin (scheme, host and port: an `https`→`http` redirect on the same host loses it), any other
     * gets the request without it. The answer that is not a redirect, or the last after five; a sink
     * takes a 200's body.
     */
    async getFollowing(path, sink, deadlineMs = BLOB_DEADLINE_MS) {
        let url = this.url(path);
        for (let redirects = 0;; redirects++) {
            const answer = url.origin === this.origin
                ? await this.request('GET', url, {}, '', sink, deadlineMs)
                : await (0,send/* send */.tN)(url, 'GET', {}, '', { ...this.trust, verify: true }, performance.now() + deadlineMs, {
                    sink,
                    signal: this.options.signal
                });
            const location = answer.headers.location;
            if (!REDIRECTS.includes(answer.status) || !location || redirects >= MAX_REDIRECTS)
                return answer;
            url = new URL(location, url);
        }
    }
    /**
     * One request with the registry's login: on a 401, a token (Bearer) or the credentials (Basic), then
     * once more. `target`: a path on the registry (the namespace added), or a URL taken as it is.
     */
    async request(method, target, headers, body = '', sink, deadlineMs = DEADLINE_MS) {
        const url = typeof target === 'string' ? this.url(target) : target;
        const once = () => (0,send/* send */.tN)(url, method, this.authorization ? { ...headers, Authorization: this.authorization } : headers, body, this.trust, performance.now() + deadlineMs, { sink, signal: this.options.signal });
        const answer = await once();
        if (answer.status !== 401)
            return answer;
        const authorization = await (0,registry_client_token/* authorizationFor */.rv)(answer, this.endpoint.credential, (realm, service) => this.token(realm, service));
        if (!authorization)
            return answer;
        this.authorization = authorization;
        return once();
    }
    url(path) {
        const url = new URL(path, this.base);
        if (this.options.namespace)
            url.searchParams.set('ns', this.options.namespace);
        return url;
    }
    /** A token for every scope at once (GET, with the credentials when there are any), as buildkitd fetches one. */
    async token(realm, service) {
        const url = (0,registry_client_token/* tokenUrl */.vQ)(realm, service, this.scopes);
        const trust = { verify: true, ...this.endpoint.realmTrust(url), proxyEnv: this.endpoint.proxyEnv };
        const deadline = performance.now() + DEADLINE_MS;
        const answer = await (0,registry_client_token/* getToken */.gf)(url, this.endpoint.credential, trust, deadline, this.options.signal);
        expectStatus(answer, [200], `a token from ${url.origin}${url.pathname}`);
        const token = (0,registry_client_token/* tokenIn */.jf)(answer);
        if (token)
            return token;
        throw new RegistryError(`the token service ${url.origin}${url.pathname} answered without a token`);
    }
}
function expectStatus(answer, statuses, what) {
    if (statuses.includes(answer.status))
        return;
    // The registry's words go to the log: neutralized.
    const words = (0,untrusted_text/* neutralizeUntrustedLine */.gK)((0,send/* registryWords */.lz)(answer.body));
    throw new RegistryError(`${what}: the registry answered ${answer.status}${words ? ` ${words}` : ''}`, answer.status);
}

;// CONCATENATED MODULE: ./src/registry-client/image-pull.ts









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
/** Fetches `reference` (a tag or a digest) for `platform` from `source` into `dir`. */
async function pullImage(source, reference, platform, dir, options) {
    const client = new ImageFetch(source, options);
    let manifest = await client.manifest(reference);
    let manifestDigest = reference.includes(':') ? reference : undefined;
    if ((0,image_source/* isIndex */.nw)(manifest.document, manifest.contentType)) {
        const entry = (0,image_source/* choosePlatform */.xV)(manifest.document.manifests ?? [], platform);
        if (!entry) {
            const offered = (manifest.document.manifests ?? [])
                .map(each => each.platform && `${each.platform.os}/${each.platform.architecture}`)
                .filter(Boolean);
            throw new PullError(`the image has no manifest for the daemon's platform ${platform.os}/${platform.architecture} ` +
                `(it has ${offered.join(', ') || 'none'})`, 'fatal');
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
/** The pull's side of the registry client: its manifests and blobs, each request retried. */
class ImageFetch {
    source;
    options;
    client;
    constructor(source, options) {
        this.source = source;
        this.options = options;
        // The pull's token comes as buildkitd fetches it: with the registry's own trust, verified as it is.
        const realmTrust = (0,send/* registryTrust */.EP)(source);
        this.client = new RegistryClient({ ...source, realmTrust: () => realmTrust }, [`repository:${source.repository}:pull`], { namespace: source.namespace, signal: options.signal });
    }
    async manifest(reference) {
        const path = `/v2/${this.source.repository}/manifests/${reference}`;
        const answer = await this.retried(`manifest ${reference}`, async () => checked(await this.client.request('GET', path, { Accept: image_source/* MANIFEST_ACCEPT */.dY }), path));
        if (reference.startsWith('sha256:')) {
            const digest = digestOf(Buffer.from(answer.body, 'utf8'));
            if (digest !== reference)
                throw new PullError(`the manifest ${reference} arrived as ${digest}`, 'fatal');
        }
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
    /**
     * The blob into `path`, following redirects (the registry's Authorization only to its own origin),
     * its digest and size checked.
     */
    async blob(descriptor, path) {
        await this.retried(`blob ${descriptor.digest}`, async () => {
            let sent;
            const sink = async (response) => {
                const hash = (0,src_crypto/* nodeCrypto */.SI)().createHash('sha256');
                let size = 0;
                response.on('data', (chunk) => {
                    hash.update(chunk);
                    size += chunk.length;
                });
                await (0,promises_.pipeline)(response, (0,external_node_fs_.createWriteStream)(path));
                sent = { digest: `sha256:${hash.digest('hex')}`, size };
            };
            const blobPath = `/v2/${this.source.repository}/blobs/${descriptor.digest}`;
            const answer = await this.client.getFollowing(blobPath, sink);
            if (answer.status !== 200)
                throw failure(answer, `blob ${descriptor.digest}`);
            if (!sent || sent.digest !== descriptor.digest || sent.size !== descriptor.size)
                throw new PullError(`the blob ${descriptor.digest} arrived as ${sent?.digest ?? 'nothing'} ` +
                    `(${sent?.size ?? 0} of ${descriptor.size} bytes)`, 
                // A transfer cut short is worth another try; a registry serving other bytes is not.
                sent && sent.size < descriptor.size ? 'transient' : 'fatal');
        });
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
                this.options.log(`${this.source.host.text}: ${pullError.message}; ` +
                    `retrying in ${wait / 1000} s (attempt ${number + 1} of ${image_source/* PULL_ATTEMPTS */.ZS})`);
                await (0,sleep/* sleep */.y)(wait, this.options.signal);
            }
        }
    }
}
/** A non-2xx answer as a PullError; 2xx passes (a sink has taken the body). */
function checked(answer, path) {
    if ((answer.status >= 200 && answer.status < 300) || REDIRECTS.includes(answer.status))
        return answer;
    throw failure(answer, path);
}
function failure(answer, what) {
    const kind = (0,image_source/* classifyFailure */.XE)({ status: answer.status });
    const words = (0,send/* registryWords */.lz)(answer.body);
    return new PullError(`${what} answered ${answer.status}${words ? ` ${words}` : ''}`, kind, answer.status);
}
function asPullError(error, what) {
    if (error instanceof PullError)
        return error;
    // The client's own refusals (a token service's answer), classified by their status.
    if (error instanceof RegistryError)
        return new PullError(error.message, (0,image_source/* classifyFailure */.XE)({ status: error.status }), error.status);
    const { code, message } = error;
    return new PullError(`fetching the ${what} failed: ${code ? `${code} ` : ''}${message}`, (0,image_source/* classifyFailure */.XE)({ code }));
}


/***/ }),

/***/ 8897:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J8: () => (/* binding */ ProxyAnswerError),
/* harmony export */   TC: () => (/* binding */ PROXY_ANSWERS),
/* harmony export */   X: () => (/* binding */ openTunnel),
/* harmony export */   hb: () => (/* binding */ openProxy),
/* harmony export */   w7: () => (/* binding */ proxyRoute)
/* harmony export */ });
/* unused harmony exports connectTunnel, authorityOf */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5105);
/* harmony import */ var _connect_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4123);



/** The route to `target` for a process with `env`: a proxy, none (direct), or Go's refusal as an error. */
function proxyRoute(env, target) {
    if (!env)
        return {};
    const { proxy, error } = (0,_proxy_js__WEBPACK_IMPORTED_MODULE_1__/* .proxyFor */ .iJ)(env, target);
    if (error)
        return { error };
    if (!proxy)
        return {};
    // Named as Go reads it: the upper-case variable when it is set, else the lower-case one.
    const upper = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    const variable = env[upper] ? upper : upper.toLowerCase();
    return {
        route: { url: proxy, shown: `${(0,_proxy_js__WEBPACK_IMPORTED_MODULE_1__/* .redactedProxy */ .ni)(proxy)} (${variable})`, authorization: (0,_proxy_js__WEBPACK_IMPORTED_MODULE_1__/* .proxyAuthorization */ .YB)(proxy) }
    };
}
/** Answers to a plain-HTTP request that come from the proxy, not the registry: credentials, or no way through. */
const PROXY_ANSWERS = new Set([407, 502, 503, 504]);
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
    const port = Number(url.port || (0,_proxy_js__WEBPACK_IMPORTED_MODULE_1__/* .defaultPort */ .L5)(url.protocol));
    if (url.protocol === 'http:')
        return (0,_connect_js__WEBPACK_IMPORTED_MODULE_2__/* .openTcp */ .UD)(hostname, port, deadline, sockets);
    const secure = await (0,_connect_js__WEBPACK_IMPORTED_MODULE_2__/* .openTls */ .Gd)(hostname, port, trust, deadline, sockets);
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
    const silence = `the proxy ${route.shown} did not answer CONNECT ${authority} before the deadline`;
    return (0,_connect_js__WEBPACK_IMPORTED_MODULE_2__/* .beforeDeadline */ .OJ)(deadline, silence, (resolve, reject) => {
        const headers = { Host: authority, 'User-Agent': 'setup-buildkit-registry-preflight' };
        if (route.authorization)
            headers['Proxy-Authorization'] = route.authorization;
        const req = (0,node_http__WEBPACK_IMPORTED_MODULE_0__.request)({ method: 'CONNECT', path: authority, headers, createConnection: () => proxySocket });
        const refused = (response) => {
            response.resume();
            reject(new ProxyAnswerError(response.statusCode ?? 0, `the proxy ${route.shown} answered CONNECT ${authority} with ` +
                `${response.statusCode} ${response.statusMessage ?? ''}`.trim()));
        };
        req.once('connect', (response, tunnel) => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299)
                return refused(response);
            resolve(tunnel);
        });
        req.once('response', refused);
        req.once('error', reject);
        req.end();
        return req;
    });
}
/** A tunnel to `hostname:port` through the proxy; `onProxy` once the proxy itself is connected. */
async function openTunnel(route, trust, hostname, port, deadline, sockets, onProxy = () => { }) {
    const proxySocket = await openProxy(route, trust, deadline, sockets);
    onProxy();
    return connectTunnel(proxySocket, authorityOf(hostname, port), route, deadline);
}
/** `host:port` as a CONNECT line and Go's canonicalAddr write it: IPv6 in brackets, the port always. */
function authorityOf(hostname, port) {
    return hostname.includes(':') ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}


/***/ }),

/***/ 6027:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EP: () => (/* binding */ registryTrust),
/* harmony export */   lz: () => (/* binding */ registryWords),
/* harmony export */   tN: () => (/* binding */ send)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _proxy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5105);
/* harmony import */ var _connect_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4123);
/* harmony import */ var _proxy_route_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8897);
/* harmony import */ var _tls_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(724);







/** The trust of requests to the registry itself: its CA and keypair, verified unless it is `insecure`. */
function registryTrust(target, proxyEnv) {
    return { ca: target.ca, keypair: target.keypair, verify: target.transport !== 'insecure', proxyEnv };
}
/**
 * One request with its own trust, within the deadline; the body is read (tokens are small).
 * Through the proxy Go's rules pick: CONNECT for https (TLS through the tunnel, verified the
 * same), the whole URL in the request line for http.
 */
async function send(url, method, headers, body, trust, deadline, { sink, signal } = {}) {
    const secure = url.protocol === 'https:';
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const { route, error } = (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_5__/* .proxyRoute */ .w7)(trust.proxyEnv, url);
    if (error)
        throw Object.assign(new Error(error), { code: 'EPROXYCGI' });
    const tls = { ...(0,_tls_js__WEBPACK_IMPORTED_MODULE_6__/* .trustOptions */ .z)(hostname, trust), rejectUnauthorized: trust.verify };
    const sockets = [];
    try {
        let connection;
        const sent = { ...headers };
        // The absolute URL a proxy is sent in the request line.
        let path;
        if (route && secure) {
            const port = Number(url.port || (0,_proxy_js__WEBPACK_IMPORTED_MODULE_3__/* .defaultPort */ .L5)(url.protocol));
            const tunnel = await (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_5__/* .openTunnel */ .X)(route, trust, hostname, port, deadline, sockets);
            // Node 20 crashes on an alert arriving at a wrapped socket without a listener.
            tunnel.on('error', () => undefined);
            connection = (0,node_tls__WEBPACK_IMPORTED_MODULE_2__.connect)({ socket: tunnel, ...tls });
            sockets.push(connection);
        }
        else if (route) {
            connection = await (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_5__/* .openProxy */ .hb)(route, trust, deadline, sockets);
            path = url.href;
            if (route.authorization)
                sent['Proxy-Authorization'] = route.authorization;
        }
        const options = {
            method,
            headers: { 'User-Agent': 'setup-buildkit-registry-preflight', Connection: 'close', ...sent },
            ...(secure ? tls : {}),
            ...(path ? { path } : {}),
            // Without an agent, a connection of our own (through a proxy) is taken as it is.
            ...(connection ? { createConnection: () => connection } : { agent: false }),
            ...(signal ? { signal } : {})
        };
        return await requestOnce(url, options, body, deadline, sink);
    }
    finally {
        for (const socket of sockets)
            socket.destroy();
    }
}
/** The request, within the deadline: a sink takes a 200's body, any other body is read. */
function requestOnce(url, options, body, deadline, sink) {
    return new Promise((resolve, reject) => {
        const settled = (then) => {
            clearTimeout(timer);
            then();
        };
        const request = (url.protocol === 'https:' ? node_https__WEBPACK_IMPORTED_MODULE_1__.request : node_http__WEBPACK_IMPORTED_MODULE_0__.request)(url, options, response => {
            const answer = { status: response.statusCode ?? 0, headers: response.headers, body: '' };
            if (sink && answer.status === 200) {
                sink(response).then(() => settled(() => resolve(answer)), (error) => settled(() => {
                    request.destroy();
                    reject(error);
                }));
                return;
            }
            let text = '';
            response.setEncoding('utf8');
            response.on('data', chunk => (text += chunk));
            response.on('end', () => settled(() => resolve({ ...answer, body: text })));
            response.on('error', reject);
        });
        const timer = setTimeout(() => request.destroy(new _tls_js__WEBPACK_IMPORTED_MODULE_6__/* .DeadlineError */ .j('no answer before the deadline')), (0,_connect_js__WEBPACK_IMPORTED_MODULE_4__/* .remaining */ .Tk)(deadline));
        request.once('error', error => settled(() => reject(error)));
        request.end(body);
    });
}
/**
 * The registry's own words in a refusal: the first of an errors body (`{"errors":[{"code","message"}]}`),
 * else the body's first words; short, and raw for the caller to neutralize where it shows them.
 */
function registryWords(body) {
    try {
        const first = JSON.parse(body).errors?.[0];
        if (first)
            return [first.code, first.message].filter(Boolean).join(': ').slice(0, 300);
    }
    catch {
        // Not the registry's JSON: the first words of it.
    }
    return body.trim().slice(0, 300);
}


/***/ }),

/***/ 724:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ DeadlineError),
/* harmony export */   z: () => (/* binding */ trustOptions)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_1__);


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
        servername: (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(hostname) ? undefined : hostname,
        ca: trust.ca ? [...node_tls__WEBPACK_IMPORTED_MODULE_1__.rootCertificates, trust.ca] : undefined,
        cert: trust.keypair?.cert,
        key: trust.keypair?.key
    };
}


/***/ }),

/***/ 416:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gf: () => (/* binding */ getToken),
/* harmony export */   jf: () => (/* binding */ tokenIn),
/* harmony export */   rv: () => (/* binding */ authorizationFor),
/* harmony export */   vQ: () => (/* binding */ tokenUrl)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(182);
/* harmony import */ var _challenge_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7364);
/* harmony import */ var _send_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6027);



// Logging in to a registry as buildkitd does when a request is refused with 401: the credentials
// for a Basic challenge, a token from the realm for a Bearer one. Shared by the image pull and the
// merge; preflight's login probe (preflight/auth-probe.ts) also tries buildx's POST and records
// each step for its diagnosis.
/** The realm's URL with the challenge's service and every scope a token is asked for. */
function tokenUrl(realm, service, scopes) {
    const url = new URL(realm);
    if (service)
        url.searchParams.set('service', service);
    for (const scope of scopes)
        url.searchParams.append('scope', scope);
    return url;
}
/** The token in a token service's answer (`token`, or OAuth2's `access_token`); undefined when there is none. */
function tokenIn(answer) {
    try {
        const body = JSON.parse(answer.body);
        return body.token || body.access_token || undefined;
    }
    catch {
        return undefined;
    }
}
/** GET the realm's token (with the credentials when there are any), as buildkitd fetches one. */
function getToken(url, credential, trust, deadline, signal) {
    const headers = credential ? { Authorization: `Basic ${(0,_model_js__WEBPACK_IMPORTED_MODULE_1__/* .basicAuth */ .tB)(credential)}` } : {};
    return (0,_send_js__WEBPACK_IMPORTED_MODULE_0__/* .send */ .tN)(url, 'GET', headers, '', trust, deadline, { signal });
}
/**
 * The Authorization a 401 answer asks for: the credentials for Basic, a token (from `bearer`, given
 * the realm and service) for Bearer; undefined when neither applies, and the 401 is the answer.
 */
async function authorizationFor(answer, credential, bearer) {
    const challenge = (0,_challenge_js__WEBPACK_IMPORTED_MODULE_2__/* .parseChallenge */ .x)(String(answer.headers['www-authenticate'] ?? ''));
    if (challenge.scheme === 'basic' && credential)
        return `Basic ${(0,_model_js__WEBPACK_IMPORTED_MODULE_1__/* .basicAuth */ .tB)(credential)}`;
    if (challenge.scheme === 'bearer' && challenge.realm)
        return `Bearer ${await bearer(challenge.realm, challenge.service)}`;
    return undefined;
}


/***/ }),

/***/ 7415:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   probeInsecureTransport: () => (/* binding */ probeInsecureTransport)
/* harmony export */ });
/* harmony import */ var _untrusted_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8521);
/* harmony import */ var _proxy_route_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8897);
/* harmony import */ var _send_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6027);



/**
 * What an insecure-registries host speaks, found out as the daemon does when it pushes there:
 * HTTPS without verification first, then plain HTTP (moby's registry endpoints for an insecure
 * index, in that order). A registry answers either way (200, or 401 asking for credentials); a
 * port that completes no TLS handshake but answers HTTP is plain HTTP. Through the proxy the
 * builder will use, as preflight goes. Never throws.
 */
async function probeInsecureTransport(host, proxyEnv, timeoutMs) {
    const tls = await getV2(new URL(`https://${host.text}/v2/`), proxyEnv, timeoutMs);
    if (tls === undefined)
        return { host: host.text, transport: 'insecure' };
    const http = await getV2(new URL(`http://${host.text}/v2/`), proxyEnv, timeoutMs);
    if (http === undefined)
        return { host: host.text, transport: 'http' };
    return {
        host: host.text,
        // Node's errors quote the network (a certificate's names): shown neutralized.
        unreachable: (0,_untrusted_text_js__WEBPACK_IMPORTED_MODULE_0__/* .neutralizeUntrustedLine */ .gK)(`neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ${tls}; HTTP: ${http})`)
    };
}
/** GET /v2/ without verification: undefined when the registry answered (anything but a proxy's own), else why not. */
async function getV2(url, proxyEnv, timeoutMs) {
    const trust = { ca: '', verify: false, proxyEnv };
    try {
        const answer = await (0,_send_js__WEBPACK_IMPORTED_MODULE_2__/* .send */ .tN)(url, 'GET', {}, '', trust, performance.now() + timeoutMs);
        const route = (0,_proxy_route_js__WEBPACK_IMPORTED_MODULE_1__/* .proxyRoute */ .w7)(proxyEnv, url).route;
        if (route && url.protocol === 'http:' && _proxy_route_js__WEBPACK_IMPORTED_MODULE_1__/* .PROXY_ANSWERS */ .TC.has(answer.status))
            return `EPROXY the proxy ${route.shown} answered GET ${url.href} with ${answer.status}`;
        return undefined;
    }
    catch (error) {
        const { code, message } = error;
        return `${code ?? 'ERROR'} ${message}`.trim();
    }
}


/***/ })

};
