export const id = 716;
export const ids = [716];
export const modules = {

/***/ 716:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  removeBuilderRemnants: () => (/* binding */ removeBuilderRemnants)
});

// UNUSED EXPORTS: builderNodes, deleteDeploymentsCommand, parseStoredInstance, storeCleanup

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
;// CONCATENATED MODULE: ./src/driver.ts
// What differs by buildx driver, in one table: every other module asks it (driverCapabilities)
// instead of comparing driver names. A pure leaf, read by inputs/, plan/, host/ and steps/ alike.
/** docker/setup-buildx-action's default `driver`. */
const DEFAULT_DRIVER = 'docker-container';
const NO_ENV_NO_CONTAINER = {
    envOpts: false,
    container: false,
    stateVolume: false,
    rootlessNeedsConfigFlag: false,
    endpointTls: false
};
/** The table: the only place drivers differ. */
const DRIVERS = {
    'docker-container': {
        daemonBuilder: false,
        takesConfig: true,
        flags: 'default',
        rootlessNeedsConfigFlag: false,
        envOpts: true,
        container: true,
        stateVolume: true,
        endpointTls: false,
        diskReport: true,
        remnants: 'containers'
    },
    docker: {
        ...NO_ENV_NO_CONTAINER,
        daemonBuilder: true,
        takesConfig: false,
        // Listed by setup-buildx-action too; the daemon's builder is never created, so never passed.
        flags: 'default',
        diskReport: true,
        remnants: 'none',
        caScopeRefusal: {
            problem: "cannot apply with `driver: docker`: the daemon's own BuildKit trusts the system roots of the " +
                "daemon's machine, which this action does not change",
            fix: 'add the CA to the system roots of the Docker host (e.g. update-ca-certificates, then restart ' +
                'dockerd), or use `driver: docker-container`'
        },
        gcFix: 'set the daemon\'s builder GC in its daemon.json (`"builder": {"gc": {…}}`), or use `driver: docker-container`'
    },
    remote: {
        ...NO_ENV_NO_CONTAINER,
        daemonBuilder: false,
        takesConfig: false,
        flags: 'never',
        endpointTls: true,
        diskReport: false,
        remnants: 'none',
        caScopeRefusal: {
            problem: 'cannot apply with `driver: remote`: the buildkitd is started by you, and only its own ' +
                'environment or image can change its system roots',
            fix: 'start that buildkitd with the CA in its roots (its image, or an SSL_CERT_DIR of yours that holds ' +
                'it), and set `ca-cert-scope: registries`'
        },
        gcFix: 'set `[worker.oci]` GC settings in the config your buildkitd starts with, or drop the input'
    },
    // `env.` driver options only since buildx v0.27 (older ones refuse the create), and its pods live
    // in a cluster whose way out need not be the runner's: the action passes it no variables.
    kubernetes: {
        ...NO_ENV_NO_CONTAINER,
        daemonBuilder: false,
        takesConfig: true,
        flags: 'default',
        rootlessNeedsConfigFlag: true,
        diskReport: true,
        remnants: 'deployment',
        caScopeRefusal: {
            problem: 'cannot apply with `driver: kubernetes`: its `env.` driver options need buildx v0.27 or later, ' +
                "and its pods' image is the cluster's",
            fix: 'use a BuildKit image with the CA in its roots (`image=` driver option) and `ca-cert-scope: ' +
                'registries`, or use `driver: docker-container`'
        },
        proxyHint: 'set `env.HTTPS_PROXY=…` etc. in `driver-opts` if its pods need them: buildx v0.27 or later'
    }
};
/** A driver this action does not know (`cloud`): created as written, given a config and the user's flags only. */
function otherDriver(driver) {
    return {
        ...NO_ENV_NO_CONTAINER,
        daemonBuilder: false,
        takesConfig: true,
        flags: 'when-set',
        diskReport: true,
        remnants: 'none',
        caScopeRefusal: {
            problem: `cannot apply with the ${driver} driver: this action gives only a docker-container builder ` +
                `environment variables`,
            fix: 'use `driver: docker-container`, or a BuildKit image with the CA in its roots and `ca-cert-scope: ' +
                'registries`'
        }
    };
}
function isKnownDriver(driver) {
    return Object.hasOwn(DRIVERS, driver);
}
/** What `driver`'s builder takes from the action. */
function driverCapabilities(driver) {
    return isKnownDriver(driver) ? DRIVERS[driver] : otherDriver(driver);
}

// EXTERNAL MODULE: ./src/paths.ts
var paths = __webpack_require__(431);
// EXTERNAL MODULE: ./src/host/builder/buildkit-container.ts
var buildkit_container = __webpack_require__(554);
// EXTERNAL MODULE: ./src/host/builder/buildx-store.ts
var buildx_store = __webpack_require__(648);
// EXTERNAL MODULE: ./src/actions-core.ts
var actions_core = __webpack_require__(938);
// EXTERNAL MODULE: ./src/host/process/command.ts + 2 modules
var command = __webpack_require__(805);
;// CONCATENATED MODULE: ./src/host/builder/builder-remnants.ts








/** buildx's record of a builder, or undefined when the text is not one (a torn or corrupt file). */
function parseStoredInstance(text) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null)
        return undefined;
    const { Driver, Nodes } = parsed;
    const nodes = (Array.isArray(Nodes) ? Nodes : []).flatMap(node => {
        const { Name, Endpoint, DriverOpts } = (node ?? {});
        if (typeof Name !== 'string' || !(0,buildx_store/* isStoreName */.nF)(Name))
            return [];
        const namespace = DriverOpts?.namespace;
        return [
            {
                name: Name,
                endpoint: typeof Endpoint === 'string' && Endpoint !== '' ? Endpoint : undefined,
                ...(typeof namespace === 'string' && (0,buildx_store/* isStoreName */.nF)(namespace) ? { namespace } : {})
            }
        ];
    });
    return { driver: typeof Driver === 'string' ? Driver : undefined, nodes };
}
/**
 * The nodes whose BuildKit containers are the builder's: those buildx stored, and always the first
 * node buildx names by itself (NAME0, lower-cased as buildx names it) on the `endpoint` the inputs
 * gave, which is all there is to go by once buildx's record is gone (buildx drops it even when it
 * could not stop the nodes) or unreadable. Those without an endpoint run on the daemon the Docker
 * CLI talks to now.
 */
function builderNodes(name, stored, endpoint) {
    const nodes = [...(stored?.nodes ?? [])];
    const first = `${name.toLowerCase()}0`;
    if (!nodes.some(node => node.name === first))
        nodes.push({ name: first, endpoint: endpoint || undefined });
    return nodes;
}
/**
 * The command that deletes a kubernetes builder's BuildKit deployments (one per node, named after
 * it), which buildx could not delete. buildx names a node at random (buildkit-UUID-…): once its
 * record is gone, only the cluster can say which deployment it was.
 */
function deleteDeploymentsCommand(stored) {
    if (!stored || stored.nodes.length === 0)
        return 'kubectl delete deployment buildkit-… (the one buildx made for it)';
    return stored.nodes
        .map(node => `kubectl delete deployment ${node.name}${node.namespace ? ` --namespace ${node.namespace}` : ''}`)
        .join(' && ');
}
/**
 * What of buildx's store is the builder's: its record (`instances/`), its last activity
 * (`activity/`), the refs of its builds (`refs/NAME/`), the bake groups made only of those refs, a
 * `defaults/` entry naming it, and `current` when it names it. buildx files the record under the
 * lower-cased name and the rest under the name as given; both spellings are covered.
 */
function storeCleanup(name, snapshot) {
    const lower = name.toLowerCase();
    const spellings = [...new Set([lower, name])];
    const remove = [
        ...['instances', 'activity', 'refs'].flatMap(dir => spellings.map(spelling => `${dir}/${spelling}`)),
        ...Object.entries(snapshot.defaults)
            .filter(([, holds]) => holds.trim().toLowerCase() === lower)
            .map(([file]) => `defaults/${file}`),
        ...Object.entries(snapshot.groups)
            .filter(([, refs]) => refs.every(ref => spellings.some(spelling => ref.startsWith(`${spelling}/`))))
            .map(([id]) => `refs/__group__/${id}`)
    ];
    return { remove: [...new Set(remove)], current: currentWithout(lower, snapshot.current) };
}
function currentWithout(lower, text) {
    const named = (0,buildx_store/* jsonField */.Ni)(text, 'Name');
    if (typeof named !== 'string' || named.toLowerCase() !== lower)
        return undefined;
    const key = (0,buildx_store/* jsonField */.Ni)(text, 'Key');
    // buildx's own reset (store.Txn.reset): the endpoint's key kept, no builder named.
    return JSON.stringify({ Key: typeof key === 'string' ? key : '', Name: '', Global: false });
}
/**
 * Removes what is left of the job's builder after `docker buildx rm` (or a failed `buildx create`
 * and its rm) failed with `failure`: its BuildKit containers and their state volumes
 * (docker-container driver; the volumes stay with `keep-state`), then buildx's record of it. Logs
 * one line of what it removed; warns of what it could not, with the command that removes it.
 */
async function removeBuilderRemnants(builder, failure) {
    // buildx's first line is the cause; the next only says that it failed.
    const reason = sentence((failure instanceof Error ? failure.message : String(failure)).trim().split('\n')[0]);
    const storeDir = (0,paths/* buildxStoreDir */.xI)(process.env);
    const stored = await (0,buildx_store/* readText */.yR)((0,external_node_path_.join)(storeDir, 'instances', builder.name.toLowerCase())).then(text => text === undefined ? undefined : parseStoredInstance(text));
    const driver = stored?.driver ?? builder.driver;
    const outcome = { removed: [], left: [] };
    // The containers first: a volume in use by one cannot go.
    const remnants = driver === undefined ? 'none' : driverCapabilities(driver).remnants;
    if (remnants === 'containers')
        await removeContainers(builder, stored, outcome);
    // The kubernetes driver's BuildKit runs in the cluster, which the action does not reach itself.
    if (remnants === 'deployment')
        outcome.left.push({
            what: 'its BuildKit deployment in the cluster, if any',
            why: 'buildx could not delete it',
            how: deleteDeploymentsCommand(stored)
        });
    await removeStoreEntries(storeDir, builder.name, outcome);
    reportRemnants(builder.name, reason, outcome);
}
/** Each node's BuildKit container, and its state volume unless `keep-state`, on the node's daemon. */
async function removeContainers(builder, stored, { removed, left }) {
    for (const node of builderNodes(builder.name, stored, builder.endpoint)) {
        const container = `buildx_buildkit_${node.name}`;
        const objects = [{ kind: 'container', name: container, args: ['rm', '-f', container] }];
        if (!builder.keepState)
            objects.push({ kind: 'volume', name: `${container}_state`, args: ['volume', 'rm', `${container}_state`] });
        for (const object of objects) {
            const args = [...(0,buildkit_container/* dockerEndpointArgs */.bV)(node.endpoint), ...object.args];
            const result = await (0,command/* tryCommand */.HQ)('docker', args);
            // `docker rm -f` of no container succeeds too, saying nothing on stdout; a removal names what went.
            if (result.exitCode === 0 && result.stdout.trim() !== '')
                removed.push(`${object.kind} ${object.name}`);
            else if (result.exitCode !== 0 && !/no such (container|volume)/i.test(result.stderr))
                left.push({
                    what: `${object.kind} ${object.name}`,
                    why: lastLine(result.stderr),
                    how: `docker ${args.join(' ')}`
                });
        }
    }
}
/** The builder's entries in buildx's store, and `current` reset when it names the builder. */
async function removeStoreEntries(storeDir, name, { removed, left }) {
    const cleanup = storeCleanup(name, await (0,buildx_store/* readStoreSnapshot */.wy)(storeDir, name));
    const storeRemoved = [];
    for (const entry of cleanup.remove) {
        const path = (0,external_node_path_.join)(storeDir, entry);
        if (!(await exists(path)))
            continue;
        try {
            await (0,promises_.rm)(path, { recursive: true, force: true });
            storeRemoved.push(entry);
        }
        catch (error) {
            left.push({ what: path, why: error.message, how: `rm -r ${path}` });
        }
    }
    if (cleanup.current !== undefined) {
        try {
            await (0,buildx_store/* writeAtomically */.vK)((0,external_node_path_.join)(storeDir, 'current'), cleanup.current);
            storeRemoved.push('current (reset: it named the builder)');
        }
        catch (error) {
            const what = `${(0,external_node_path_.join)(storeDir, 'current')} naming it`;
            left.push({ what, why: error.message, how: 'docker buildx use default' });
        }
    }
    if (storeRemoved.length > 0)
        removed.push(`${storeRemoved.join(', ')} in buildx's store ${storeDir}`);
}
/** One line of what went; or a warning of what is still there, each reason once, with the commands. */
function reportRemnants(name, reason, { removed, left }) {
    if (left.length === 0) {
        const done = removed.length > 0 ? `removed ${removed.join(', ')} instead` : 'nothing of it was left';
        actions_core/* info */.pq(`buildx could not remove builder ${name} (${reason}): ${done}.`);
        return;
    }
    // One daemon that does not answer is one reason, said once.
    const whys = new Set(left.map(leftover => leftover.why));
    const still = whys.size === 1
        ? `${left.map(leftover => leftover.what).join(', ')} (${[...whys][0]})`
        : left.map(leftover => `${leftover.what} (${leftover.why})`).join(', ');
    const commands = left.map(leftover => leftover.how).join(' && ');
    actions_core/* warning */.$e(`Could not remove builder ${name}: ${reason}${/[?!]$/.test(reason) ? '' : '.'} ` +
        (removed.length > 0 ? `Removed ${removed.join(', ')}; still there: ` : 'Still there: ') +
        `${still}. Once the cause is fixed, remove ${left.length === 1 ? 'it' : 'them'} with \`${commands}\`.`);
}
async function exists(path) {
    return (0,promises_.lstat)(path).then(() => true, () => false);
}
function lastLine(text) {
    return sentence(text.trim().split('\n').pop() || 'no error output');
}
/**
 * Without its final full stop, to sit inside a sentence of ours (docker's "Is the docker daemon running?" keeps its
 * mark).
 */
function sentence(text) {
    return text.replace(/\.$/, '');
}


/***/ }),

/***/ 648:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D8: () => (/* binding */ readDefaults),
/* harmony export */   Ni: () => (/* binding */ jsonField),
/* harmony export */   nF: () => (/* binding */ isStoreName),
/* harmony export */   vK: () => (/* binding */ writeAtomically),
/* harmony export */   wy: () => (/* binding */ readStoreSnapshot),
/* harmony export */   yR: () => (/* binding */ readText)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(182);
/* harmony import */ var _file_write_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(160);




// buildx's store (~/.docker/buildx: `current`, `defaults/`, `instances/`), read and written as
// buildx does, by the builder selection and the remnants of a builder alike.
/** A store file's text; undefined when it is not there (or not readable), as buildx takes it. */
async function readText(path) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8').catch(() => undefined);
}
/** As buildx writes its store (AtomicWriteFile): 0600, whole, a link at the path replaced. */
function writeAtomically(path, text) {
    return (0,_file_write_js__WEBPACK_IMPORTED_MODULE_2__/* .replaceFile */ .fR)(path, text, { mode: _model_js__WEBPACK_IMPORTED_MODULE_3__/* .PRIVATE_FILE_MODE */ .vo });
}
/**
 * A builder name, node name or group id buildx could have written, safe to use in a path: buildx's
 * names follow the rule of the builder names the action takes.
 */
const isStoreName = _model_js__WEBPACK_IMPORTED_MODULE_3__/* .isBuilderName */ .l1;
/** The `defaults/HASH` files (a builder made the default of an endpoint) and the name each holds. */
async function readDefaults(storeDir) {
    const defaults = {};
    for (const file of await list((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'defaults'))) {
        const holds = await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'defaults', file));
        if (holds !== undefined)
            defaults[file] = holds;
    }
    return defaults;
}
/** The store entries that may hold the builder: `current`, `defaults/*`, and the groups its refs point to. */
async function readStoreSnapshot(storeDir, name) {
    const defaults = await readDefaults(storeDir);
    const groups = {};
    for (const spelling of new Set([name.toLowerCase(), name])) {
        const refsDir = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'refs', spelling);
        for (const node of await list(refsDir)) {
            for (const ref of await list((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(refsDir, node))) {
                const group = jsonField(await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(refsDir, node, ref)), 'GroupRef');
                if (typeof group !== 'string' || !isStoreName(group) || group in groups)
                    continue;
                const refs = jsonField(await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'refs', '__group__', group)), 'Refs');
                if (Array.isArray(refs))
                    groups[group] = refs.filter((item) => typeof item === 'string');
            }
        }
    }
    return { current: await readText((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(storeDir, 'current')), defaults, groups };
}
/** A field of a store file's JSON object; undefined when there is no file or it is not JSON. */
function jsonField(text, field) {
    if (text === undefined || text === null)
        return undefined;
    try {
        return JSON.parse(text)[field];
    }
    catch {
        return undefined;
    }
}
/** A directory's entries; none when it is not there (or not readable). */
function list(dir) {
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir).catch(() => []);
}


/***/ })

};
