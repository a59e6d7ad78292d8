export const id = 0;
export const ids = [0];
export const modules = {

/***/ 8000:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   storedCredentials: () => (/* binding */ storedCredentials)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(182);


/**
 * Credentials an earlier step stored in the Docker client config (docker/login-action writes
 * `auths` entries), for the hosts given: buildx reads them for a build, so preflight logs in with
 * them too. Hosts served by a credential store or helper are not read (that would run the helper).
 */
function storedCredentials(configPath, hosts) {
    let config;
    try {
        config = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(configPath, 'utf8'));
    }
    catch {
        return [];
    }
    return hosts.flatMap(host => {
        const key = (0,_model_js__WEBPACK_IMPORTED_MODULE_1__/* .authKey */ .MY)(host);
        const auth = config.auths?.[key]?.auth;
        if (!auth || config.credHelpers?.[key] || config.credsStore)
            return [];
        const decoded = Buffer.from(auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        return colon > 0 ? [{ host, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }] : [];
    });
}


/***/ })

};
