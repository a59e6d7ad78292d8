export const id = 469;
export const ids = [469];
export const modules = {

/***/ 2469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readDockerTrust: () => (/* binding */ readDockerTrust)
/* harmony export */ });
/* unused harmony exports parseRegistryConfig, settingsFacts, certsDirOutOfReach, certsDirFiles, readCertsDir */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _inputs_pem_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8893);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8431);
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6805);





/** The ranges moby's loadInsecureRegistries adds to every daemon's list (registry/config.go). */
const IMPLICIT_CIDRS = ['127.0.0.0/8', '::1/128'];
/**
 * Parses `docker info --format '{{json .RegistryConfig}}'` (moby api/types/registry ServiceConfig,
 * the same field names from 20.10 to 28.x): IndexConfigs entries with `Secure: false` are the
 * insecure-registries hosts, InsecureRegistryCIDRs the ranges, Mirrors (also under
 * IndexConfigs["docker.io"]) the registry-mirrors. Pure.
 */
function parseRegistryConfig(json, securityOptions = []) {
    const config = JSON.parse(json);
    const indexes = Object.entries(config?.IndexConfigs ?? {});
    const insecureHosts = indexes
        .filter(([name, info]) => info?.Secure === false && name !== 'docker.io')
        .map(([name, info]) => info?.Name || name);
    const mirrors = [...(config?.Mirrors ?? []), ...(config?.IndexConfigs?.['docker.io']?.Mirrors ?? [])];
    const allCidrs = config?.InsecureRegistryCIDRs ?? [];
    return {
        insecureHosts: [...new Set(insecureHosts)].sort(),
        cidrs: allCidrs.filter(cidr => !IMPLICIT_CIDRS.includes(cidr)),
        implicitCidrs: allCidrs.filter(cidr => IMPLICIT_CIDRS.includes(cidr)),
        mirrors: [...new Set(mirrors)],
        rootless: securityOptions.some(option => option.split(',').includes('name=rootless'))
    };
}
/**
 * What the daemon's settings give before certs.d is read and the insecure hosts are asked: each
 * range reported (BuildKit configures registries by name), the implicit loopback ones only
 * mentioned. Pure.
 */
function settingsFacts(settings) {
    return {
        insecure: settings.insecureHosts.map(host => ({ host })),
        mirrors: settings.mirrors,
        notImported: settings.cidrs.map(cidr => ({
            what: `${cidr} in insecure-registries`,
            reason: 'a range of addresses, not a registry: BuildKit configures registries by name; ' +
                'list each registry in that range in `registries` (with `http` or `insecure`)'
        })),
        notes: settings.implicitCidrs.length > 0
            ? [
                `The Docker daemon counts ${settings.implicitCidrs.join(' and ')} as insecure on its own; ` +
                    'the builder does not need that: a registry on loopback gets `http` or `insecure` ' +
                    'from its line in `registries`.'
            ]
            : []
    };
}
/**
 * Why the daemon's certs.d cannot be read from here, or undefined when it can: the daemon must
 * be on a local unix socket, and this step not in one of its containers (whose filesystem is not
 * the daemon's). `endpoint` is the current Docker context's (`docker context inspect`). Pure.
 */
function certsDirOutOfReach(endpoint, jobContainer) {
    if (jobContainer)
        return (`this step runs in the container ${jobContainer.name} of the Docker daemon (a container job): the ` +
            `daemon's certs.d is on its host's filesystem, not in this container`);
    if (!endpoint.startsWith('unix://'))
        return `the Docker daemon is at ${endpoint}, not on this machine's filesystem: its certs.d is on that machine`;
    return undefined;
}
/** Applies moby's file rules to the names in one certs.d directory; other names are ignored, as there. Pure. */
function certsDirFiles(names) {
    const sorted = [...names].sort();
    const result = { cas: [], keypairs: [], errors: [] };
    for (const name of sorted) {
        if (name.endsWith('.crt'))
            result.cas.push(name);
        else if (name.endsWith('.cert')) {
            const key = `${name.slice(0, -'.cert'.length)}.key`;
            if (sorted.includes(key))
                result.keypairs.push({ cert: name, key });
            else
                result.errors.push(`missing key ${key} for client certificate ${name}. CA certificates must use the extension .crt`);
        }
        else if (name.endsWith('.key')) {
            const cert = `${name.slice(0, -'.key'.length)}.cert`;
            if (!sorted.includes(cert))
                result.errors.push(`missing client certificate ${cert} for key ${name}`);
        }
    }
    return result;
}
/**
 * Reads every `HOST[:PORT]` directory of `certsDir`. A directory with a file that cannot be read
 * or with the daemon's own file errors is left out whole (half its trust would be a different
 * trust). Keys are masked as they are read. No certs.d at all is nothing to import.
 */
async function readCertsDir(certsDir) {
    const result = { entries: [], notImported: [] };
    let hosts;
    try {
        hosts = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(certsDir)).sort();
    }
    catch (error) {
        if (error.code !== 'ENOENT')
            result.notImported.push({ what: certsDir, reason: `cannot read it (${error.message})` });
        return result;
    }
    for (const host of hosts) {
        const dir = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(certsDir, host);
        try {
            if (!(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(dir)).isDirectory())
                continue;
            const files = certsDirFiles(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir));
            if (files.errors.length > 0) {
                result.notImported.push({ what: dir, reason: `the daemon refuses it too: ${files.errors.join('; ')}` });
                continue;
            }
            const read = (name) => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, name), 'utf8');
            const cas = await Promise.all(files.cas.map(read));
            const [first, ...others] = files.keypairs;
            const keypair = first ? { cert: await read(first.cert), key: await read(first.key) } : undefined;
            if (keypair)
                (0,_inputs_pem_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .maskPem */ .rL)(keypair.key);
            for (const other of others)
                result.notImported.push({
                    what: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, other.cert),
                    reason: `a second client keypair for ${host}: the builder offers one per registry (${first.cert} is imported)`
                });
            const ca = cas.map(pem => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');
            if (ca === '' && !keypair)
                continue;
            result.entries.push({ host, dir, ca, keypair });
        }
        catch (error) {
            result.notImported.push({ what: dir, reason: `cannot read it (${error.message})` });
        }
    }
    return result;
}
/**
 * Asks the daemon for its registry settings and, where its filesystem is this one, reads its
 * certs.d (rootful /etc/docker/certs.d, rootless ~/.config/docker/certs.d). The insecure hosts
 * come back without a transport: registry-client/transport-probe.ts asks each registry.
 */
async function readDockerTrust(jobContainer, env) {
    const info = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('docker', [
        'info',
        '--format',
        '{"RegistryConfig":{{json .RegistryConfig}},"SecurityOptions":{{json .SecurityOptions}}}'
    ]);
    if (info.exitCode !== 0)
        throw new Error(`import-docker-trust: \`docker info\` failed, so the Docker daemon's registry settings cannot be read: ` +
            `${info.stderr.trim()}`);
    const answer = JSON.parse(info.stdout);
    const settings = parseRegistryConfig(JSON.stringify(answer.RegistryConfig), answer.SecurityOptions ?? []);
    const facts = { certsD: [], ...settingsFacts(settings) };
    const context = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('docker', ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']);
    // docker/cli builds the default context from DOCKER_HOST; a CLI without contexts talks to DOCKER_HOST or the socket.
    const endpoint = context.exitCode === 0 ? context.stdout.trim() : env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    const outOfReach = certsDirOutOfReach(endpoint, jobContainer);
    const certsDir = (0,_paths_js__WEBPACK_IMPORTED_MODULE_3__/* .daemonPaths */ .bs)(settings.rootless, env).certsDir;
    if (outOfReach) {
        facts.notImported.push({
            what: 'certs.d',
            reason: `${outOfReach}. Fix: list those registries in \`registries\` (\`ca=\` or \`ca-cert\` for their CAs, ` +
                '`client-cert`/`client-key` for a keypair)'
        });
        return facts;
    }
    const read = await readCertsDir(certsDir);
    return { ...facts, certsDir, certsD: read.entries, notImported: [...facts.notImported, ...read.notImported] };
}


/***/ })

};
