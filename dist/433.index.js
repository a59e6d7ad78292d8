export const id = 433;
export const ids = [433];
export const modules = {

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


/***/ }),

/***/ 9433:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   probeInsecureTransport: () => (/* binding */ probeInsecureTransport)
/* harmony export */ });
/* harmony import */ var _probe_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3205);

/**
 * What an insecure-registries host speaks, found out as the daemon does when it pushes there:
 * HTTPS without verification first, then plain HTTP (moby's registry endpoints for an insecure
 * index, in that order). A registry answers either way (200, or 401 asking for credentials); a
 * port that completes no TLS handshake but answers HTTP is plain HTTP. Through the proxy the
 * builder will use, as preflight goes. Never throws.
 */
async function probeInsecureTransport(host, proxyEnv, timeoutMs) {
    const target = { host, ca: '', proxyEnv: proxyEnv ? { builder: proxyEnv } : undefined };
    const tls = await (0,_probe_js__WEBPACK_IMPORTED_MODULE_0__/* .probeRegistry */ .k)({ ...target, transport: 'insecure' }, timeoutMs);
    if (answered(tls))
        return { host: host.text, transport: 'insecure' };
    const http = await (0,_probe_js__WEBPACK_IMPORTED_MODULE_0__/* .probeRegistry */ .k)({ ...target, transport: 'http' }, timeoutMs);
    if (answered(http))
        return { host: host.text, transport: 'http' };
    return {
        host: host.text,
        unreachable: `neither HTTPS nor HTTP answered GET /v2/ (HTTPS: ${failure(tls)}; HTTP: ${failure(http)})`
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


/***/ })

};
