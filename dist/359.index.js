export const id = 359;
export const ids = [359];
export const modules = {

/***/ 6359:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   findJobContainer: () => (/* binding */ findJobContainer),
/* harmony export */   readRunnerNetwork: () => (/* binding */ readRunnerNetwork)
/* harmony export */ });
/* unused harmony exports namesFromHostsFile, parseHostsFile, containerIdCandidates, jobContainerFrom */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _process_command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4793);





const HOSTS_PATH = '/etc/hosts';
/**
 * Reads the runner's network for the registries and mirrors in `hosts`. The hosts file is parsed
 * rather than asked about through the resolver (dns.lookup against dns.resolve): the file is what
 * Go reads first for buildx and BuildKit, parsing it takes no DNS round trip (a runner whose DNS
 * is down would wait out a timeout per name), and it says exactly which names come from the file.
 */
async function readRunnerNetwork(hosts, jobContainer = findJobContainer()) {
    const text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(HOSTS_PATH, 'utf8').catch(() => '');
    return { hostsFile: namesFromHostsFile(text, hosts), jobContainer: await jobContainer };
}
/** `hosts`' names that `hostsFile` (the text of /etc/hosts) lists, each with its addresses there. */
function namesFromHostsFile(hostsFile, hosts) {
    // Only the lines that can name a registry are parsed: isIP's IPv6 check builds a large pattern on
    // its first call (8 ms of every main step), and every hosts file has an IPv6 line (::1).
    const wanted = hosts.map(host => normalName(host.hostname));
    const lines = hostsFile.split('\n').filter(line => wanted.some(name => line.toLowerCase().includes(name)));
    const entries = parseHostsFile(lines.join('\n'));
    const found = new Map();
    for (const host of hosts) {
        const name = normalName(host.hostname);
        const addresses = entries.get(name);
        if (addresses && !found.has(name) && (0,node_net__WEBPACK_IMPORTED_MODULE_3__.isIP)(host.hostname) === 0)
            found.set(name, { name, addresses });
    }
    return [...found.values()];
}
/**
 * Names to addresses, as Go's resolver reads the file (net/hosts.go): `#` starts a comment, the
 * first field is an address (a line whose first field is not one is skipped), every further field
 * a name, compared in lower case and without a trailing dot.
 */
function parseHostsFile(text) {
    const names = new Map();
    for (const line of text.split('\n')) {
        const fields = line.replace(/#.*/, '').trim().split(/\s+/);
        if (fields.length < 2 || (0,node_net__WEBPACK_IMPORTED_MODULE_3__.isIP)(fields[0].replace(/%.*/, '')) === 0)
            continue;
        for (const field of fields.slice(1)) {
            const addresses = names.get(normalName(field)) ?? [];
            if (!addresses.includes(fields[0]))
                addresses.push(fields[0]);
            names.set(normalName(field), addresses);
        }
    }
    return names;
}
function normalName(name) {
    return name.toLowerCase().replace(/\.$/, '');
}
/**
 * The container ids this process may run in: the Docker daemon bind-mounts /etc/hosts,
 * /etc/hostname and /etc/resolv.conf from `<data-root>/containers/<id>/` (mountinfo, with cgroup
 * v1 and v2 alike), and cgroup v1 paths end in the id. A runner in a container of another engine
 * (a Kubernetes pod) shows ids too: only the daemon's answer confirms one (jobContainerFrom).
 */
function containerIdCandidates(mountinfo, cgroup) {
    const ids = new Set();
    for (const match of mountinfo.matchAll(/\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\s/g))
        ids.add(match[1]);
    for (const match of cgroup.matchAll(/[/-]([0-9a-f]{64})(?:\.scope)?$/gm))
        ids.add(match[1]);
    return [...ids];
}
/**
 * The container of `docker inspect`'s answer (`inspectJson`, a JSON array) that is this process's:
 * its id is one of `ids`, or it is the container whose id starts with `ownHostname` (Docker names a
 * container's host after the first 12 digits of its id unless told otherwise). Pure.
 */
function jobContainerFrom(inspectJson, ids, ownHostname) {
    let inspected;
    try {
        inspected = JSON.parse(inspectJson);
    }
    catch {
        return undefined;
    }
    if (!Array.isArray(inspected))
        return undefined;
    const ours = inspected.find(container => container.State?.Running !== false &&
        (ids.includes(container.Id) ||
            (/^[0-9a-f]{12}$/.test(ownHostname) &&
                container.Id.startsWith(ownHostname) &&
                container.Config?.Hostname === ownHostname)));
    if (!ours)
        return undefined;
    const binds = (ours.Mounts ?? [])
        .filter(mount => mount.Type === 'bind' && mount.Source && mount.Destination)
        .map(mount => ({ source: mount.Source ?? '', destination: mount.Destination ?? '' }));
    return {
        id: ours.Id,
        name: ours.Name.replace(/^\//, ''),
        networkMode: ours.HostConfig?.NetworkMode ?? '',
        networks: Object.keys(ours.NetworkSettings?.Networks ?? {}),
        binds
    };
}
/**
 * The container the step runs in, if the Docker daemon it talks to runs it. No docker command runs
 * where nothing says "container" (no /.dockerenv, no container id in /proc).
 */
async function findJobContainer() {
    const read = (path) => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(path, 'utf8').catch(() => '');
    const ids = containerIdCandidates(await read('/proc/self/mountinfo'), await read('/proc/self/cgroup'));
    const ownHostname = (0,node_os__WEBPACK_IMPORTED_MODULE_2__.hostname)();
    const byHostname = /^[0-9a-f]{12}$/.test(ownHostname) ? [ownHostname] : [];
    if (ids.length === 0 && !(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)('/.dockerenv'))
        return undefined;
    const names = [...new Set([...ids, ...byHostname])];
    if (names.length === 0)
        return undefined;
    // Names the daemon does not know make it exit 1 and print the ones it knows: read stdout either way.
    const result = await (0,_process_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('docker', ['container', 'inspect', ...names]);
    return jobContainerFrom(result.stdout.trim() || '[]', ids, ownHostname);
}


/***/ })

};
