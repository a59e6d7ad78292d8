export const id = 677;
export const ids = [677];
export const modules = {

/***/ 4062:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ parseBuilderInspect),
/* harmony export */   S: () => (/* binding */ builderOutputs)
/* harmony export */ });
// What `docker buildx inspect` says about a builder, read into the shape docker/setup-buildx-action
// gives its `nodes` output: @docker/actions-toolkit's Builder.parseInspect (src/buildx/builder.ts,
// Apache-2.0), ported line for line so the JSON is the same, key for key.
function builderOutputs(info) {
    const platforms = [];
    for (const node of info.nodes) {
        for (const platform of node.platforms?.split(',') ?? [])
            if (!platforms.includes(platform))
                platforms.push(platform);
    }
    const first = info.nodes[0] ?? {};
    return {
        driver: info.driver ?? '',
        platforms: platforms.join(','),
        nodes: JSON.stringify(info.nodes, undefined, 2),
        endpoint: first.endpoint ?? '',
        status: first.status ?? '',
        flags: first['buildkitd-flags'] ?? ''
    };
}
/** `docker buildx inspect NAME` (run with DEBUG=1, which adds the features) → the builder and its nodes. */
function parseBuilderInspect(data) {
    const builder = { nodes: [] };
    let parsingType;
    let currentNode = {};
    let currentGCPolicy;
    let currentDevice;
    let currentFile;
    for (const line of data.trim().split(`\n`)) {
        const [key, ...rest] = line.split(':');
        const lkey = key.toLowerCase();
        const value = rest.map(v => v.trim()).join(':');
        if (key.length == 0)
            continue;
        switch (true) {
            case lkey == 'name':
                parsingType = undefined;
                if (builder.name == undefined) {
                    builder.name = value;
                }
                else {
                    if (currentGCPolicy && currentNode.gcPolicy) {
                        currentNode.gcPolicy.push(currentGCPolicy);
                        currentGCPolicy = undefined;
                    }
                    if (currentNode.name)
                        builder.nodes.push(currentNode);
                    currentNode = { name: value };
                }
                break;
            case lkey == 'driver':
                parsingType = undefined;
                builder.driver = value;
                break;
            case lkey == 'last activity':
                parsingType = undefined;
                builder.lastActivity = new Date(value);
                break;
            case lkey == 'endpoint':
                parsingType = undefined;
                currentNode.endpoint = value;
                break;
            case lkey == 'driver options':
                parsingType = undefined;
                currentNode['driver-opts'] = (value.match(/([a-zA-Z0-9_.]+)="([^"]*)"/g) || []).map(v => v.replace(/^(.*)="(.*)"$/g, '$1=$2'));
                break;
            case lkey == 'status':
                parsingType = undefined;
                currentNode.status = value;
                break;
            case lkey == 'buildkit daemon flags':
            case lkey == 'flags': // buildx < v0.13
                parsingType = undefined;
                currentNode['buildkitd-flags'] = value;
                break;
            case lkey == 'buildkit version':
            case lkey == 'buildkit': // buildx < v0.13
                parsingType = undefined;
                currentNode.buildkit = value;
                break;
            case lkey == 'platforms': {
                parsingType = undefined;
                if (!value)
                    break;
                // Platforms set by the user (`*`) are the node's preferred ones: only those then.
                const platforms = value.includes('*')
                    ? value
                        .split(', ')
                        .filter(platform => platform.includes('*'))
                        .map(platform => platform.replace(/\*/g, ''))
                    : value.split(', ');
                currentNode.platforms = platforms.join(',');
                break;
            }
            case lkey == 'features':
                parsingType = 'features';
                currentNode.features = {};
                break;
            case lkey == 'labels':
                parsingType = 'label';
                currentNode.labels = {};
                break;
            case lkey == 'devices':
                parsingType = 'devices';
                currentNode.devices = currentNode.devices || [];
                break;
            case lkey.startsWith('gc policy rule#'):
                parsingType = 'gcpolicy';
                if (currentNode.gcPolicy && currentGCPolicy) {
                    currentNode.gcPolicy.push(currentGCPolicy);
                    currentGCPolicy = undefined;
                }
                break;
            case lkey.startsWith('file#'):
                parsingType = 'file';
                currentFile = key.split('#')[1];
                currentNode.files = currentNode.files || {};
                currentNode.files[currentFile] = '';
                break;
            default: {
                if (parsingType && parsingType !== 'devices' && currentNode.devices && currentDevice) {
                    currentNode.devices.push(currentDevice);
                    currentDevice = undefined;
                }
                switch (parsingType || '') {
                    case 'features':
                        currentNode.features = currentNode.features || {};
                        currentNode.features[key.trim()] = Boolean(value);
                        break;
                    case 'label':
                        currentNode.labels = currentNode.labels || {};
                        currentNode.labels[key.trim()] = value;
                        break;
                    case 'devices':
                        switch (lkey.trim()) {
                            case 'name':
                                if (currentNode.devices && currentDevice)
                                    currentNode.devices.push(currentDevice);
                                currentDevice = { name: value };
                                break;
                            case 'on-demand':
                                if (currentDevice && value)
                                    currentDevice.onDemand = value == 'true';
                                break;
                            case 'automatically allowed':
                                if (currentDevice && value)
                                    currentDevice.autoAllow = value == 'true';
                                break;
                            case 'annotations':
                                if (currentDevice)
                                    currentDevice.annotations = currentDevice.annotations || {};
                                break;
                            default:
                                if (currentDevice && currentDevice.annotations)
                                    currentDevice.annotations[key.trim()] = value;
                        }
                        break;
                    case 'gcpolicy':
                        currentNode.gcPolicy = currentNode.gcPolicy || [];
                        currentGCPolicy = currentGCPolicy || {};
                        switch (lkey.trim()) {
                            case 'all':
                                currentGCPolicy.all = value == 'true';
                                break;
                            case 'filters':
                                if (value)
                                    currentGCPolicy.filter = value.split(',');
                                break;
                            case 'keep duration':
                                currentGCPolicy.keepDuration = value;
                                break;
                            case 'keep bytes':
                                currentGCPolicy.keepBytes = value;
                                break;
                            case 'reserved space':
                                currentGCPolicy.reservedSpace = value;
                                break;
                            case 'max used space':
                                currentGCPolicy.maxUsedSpace = value;
                                break;
                            case 'min free space':
                                currentGCPolicy.minFreeSpace = value;
                                break;
                        }
                        break;
                    case 'file':
                        if (currentFile && currentNode.files) {
                            if (currentNode.files[currentFile].length > 0)
                                currentNode.files[currentFile] += '\n';
                            currentNode.files[currentFile] += line.replace(/^\s>\s?/, '');
                        }
                        break;
                }
            }
        }
    }
    if (currentDevice && currentNode.devices)
        currentNode.devices.push(currentDevice);
    if (currentGCPolicy && currentNode.gcPolicy)
        currentNode.gcPolicy.push(currentGCPolicy);
    if (currentNode.name)
        builder.nodes.push(currentNode);
    return builder;
}


/***/ }),

/***/ 3300:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G6: () => (/* binding */ installBuildxAlias),
/* harmony export */   IK: () => (/* binding */ inspectBuilder),
/* harmony export */   Ij: () => (/* binding */ createBuilder),
/* harmony export */   hU: () => (/* binding */ isNameTaken),
/* harmony export */   hm: () => (/* binding */ BUILDX_PLUGIN),
/* harmony export */   iq: () => (/* binding */ removeBuilder),
/* harmony export */   lA: () => (/* binding */ buildxPluginPath),
/* harmony export */   ve: () => (/* binding */ uninstallBuildxAlias)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8431);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4813);
/* harmony import */ var _builder_info_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4062);
/* harmony import */ var _command_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1407);






/** The buildx plugin's file name, as the Docker CLI looks for it. */
const BUILDX_PLUGIN = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
/** The buildx plugin binary the Docker CLI would run, if any: a look at the disk rather than `docker buildx version`, which would cost a process. */
function buildxPluginPath(env) {
    return (0,_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .cliPluginDirs */ ._R)(env)
        .map(dir => (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, BUILDX_PLUGIN))
        .find(path => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path));
}
/** The Docker client config's text; undefined when there is none. */
function clientConfig() {
    const path = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .dockerConfigDir */ .kG)(process.env), 'config.json');
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(path) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8') : undefined;
}
/**
 * Runs `docker buildx ARGS`. The plugin binary is run straight, as the Docker
 * CLI would find it (buildx runs standalone the same): that saves the CLI's own
 * start, about 30 ms a call. Through `docker` when the client config names
 * plugin directories of its own, or no plugin is where the CLI looks.
 * Errors name the command as `docker buildx ...`, the one a user can rerun.
 */
function buildx(args, options = {}) {
    const plugin = clientConfig()?.includes('cliPluginsExtraDirs') ? undefined : buildxPluginPath(process.env);
    return plugin ? (0,_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)(plugin, args, options) : (0,_command_js__WEBPACK_IMPORTED_MODULE_4__/* .tryCommand */ .HQ)('docker', ['buildx', ...args], options);
}
async function runBuildx(args, options = {}) {
    const result = await buildx(args, options);
    if (result.exitCode !== 0)
        throw new _command_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(`docker buildx ${args.join(' ')}`, result.exitCode, result.stderr);
    return result.stdout;
}
/** buildx refuses to create a builder whose name an existing one has. */
function isNameTaken(error) {
    return error instanceof _command_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd && /existing instance for/i.test(error.stderr);
}
/**
 * Runs the plan's `buildx create …` and then each `buildx create --append …` (the `append`
 * nodes), their output folded in the log.
 */
async function createBuilder(args, appendArgs, name) {
    await _runner_js__WEBPACK_IMPORTED_MODULE_3__/* .group */ .Os(`Creating builder ${name}`, async () => {
        await runBuildx(args.slice(1), { show: true });
        for (const nodeArgs of appendArgs)
            await runBuildx(nodeArgs.slice(1), { show: true });
    });
}
/**
 * The builder and its nodes, or undefined when buildx knows none of that name. DEBUG=1 makes
 * buildx list the nodes' features, as docker/setup-buildx-action's `nodes` output has them.
 */
async function inspectBuilder(name) {
    const result = await buildx(['inspect', name], { env: { DEBUG: '1' } });
    if (result.exitCode !== 0) {
        if (isUnknownBuilder(result.stderr))
            return undefined;
        throw new _command_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(`docker buildx inspect ${name}`, result.exitCode, result.stderr);
    }
    return (0,_builder_info_js__WEBPACK_IMPORTED_MODULE_5__/* .parseBuilderInspect */ .H)(result.stdout);
}
/**
 * Removes the builder in one round trip (no inspect first); false when buildx
 * knew none of that name (already gone). `keepState` keeps a docker-container
 * builder's BuildKit state volume (`keep-state`).
 */
async function removeBuilder(name, keepState = false) {
    const result = await buildx(['rm', name, ...(keepState ? ['--keep-state'] : [])]);
    if (result.exitCode === 0) {
        _runner_js__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq(`Removed builder ${name}${keepState ? ', keeping its BuildKit state (keep-state)' : ''}.`);
        return true;
    }
    // Only buildx's own words for an unknown builder: a driver's "not found" (a gone cluster) is a failure.
    if (/no builder ".*" found/i.test(result.stderr))
        return false;
    throw new _command_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(`docker buildx rm ${name}`, result.exitCode, result.stderr);
}
function isUnknownBuilder(stderr) {
    return /no builder .* found|not found/i.test(stderr);
}
/** v3's `install`: `docker build` runs `docker buildx build` (an alias in the client config). */
async function installBuildxAlias() {
    await _runner_js__WEBPACK_IMPORTED_MODULE_3__/* .group */ .Os('Setting buildx as the docker build command (install)', () => runBuildx(['install'], { show: true }));
}
/** Undoes installBuildxAlias. */
async function uninstallBuildxAlias() {
    await runBuildx(['uninstall']);
    _runner_js__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq('docker build is the docker build command again (buildx uninstall).');
}


/***/ }),

/***/ 1407:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HQ: () => (/* binding */ tryCommand),
/* harmony export */   Qd: () => (/* binding */ CommandError),
/* harmony export */   d1: () => (/* binding */ runCommand)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);

/** A command failed; the message carries the command's own words (its stderr). */
class CommandError extends Error {
    commandLine;
    exitCode;
    stderr;
    constructor(commandLine, exitCode, stderr) {
        super(`\`${commandLine}\` failed: ${stderr.trim() || `exit code ${exitCode}, no error output`}`);
        this.commandLine = commandLine;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'CommandError';
    }
}
/**
 * Runs a command and returns its result whatever its exit code; a command
 * that cannot start at all (not installed) counts as exit code 127.
 */
function tryCommand(command, args, options = {}) {
    return new Promise(resolve => {
        // The same line @actions/exec writes, so the log reads the same.
        if (options.show)
            process.stdout.write(`[command]${command} ${args.join(' ')}\n`);
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, {
            stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
            env: options.env ? { ...process.env, ...options.env } : process.env
        });
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (chunk) => {
            stdout += chunk;
            if (options.show)
                process.stdout.write(chunk);
        });
        child.stderr?.on('data', (chunk) => {
            stderr += chunk;
            if (options.show)
                process.stderr.write(chunk);
        });
        child.on('error', error => resolve({ exitCode: 127, stdout, stderr: stderr || error.message }));
        child.on('close', code => resolve({ exitCode: code ?? 1, stdout, stderr }));
        if (options.input !== undefined)
            child.stdin?.end(options.input);
    });
}
/** Runs a command and returns its stdout; throws CommandError, with its stderr, when it fails. */
async function runCommand(command, args, options = {}) {
    const result = await tryCommand(command, args, options);
    if (result.exitCode !== 0)
        throw new CommandError(`${command} ${args.join(' ')}`, result.exitCode, result.stderr);
    return result.stdout;
}


/***/ }),

/***/ 3285:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Q: () => (/* binding */ removeJobDir),
/* harmony export */   XG: () => (/* binding */ createJobDir),
/* harmony export */   jz: () => (/* binding */ writePlannedFiles)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);



/** A new directory only this user can enter (mkdtemp makes it 0700), unique even for concurrent jobs. */
async function createJobDir(parent) {
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(parent, { recursive: true });
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(parent, 'setup-buildkit-registry-'));
}
/**
 * Writes each file with its mode. `wx` refuses to follow or overwrite
 * anything already there, and the explicit chmod undoes the umask.
 */
async function writePlannedFiles(files) {
    for (const file of files) {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(file.path), { recursive: true, mode: 0o700 });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.writeFile)(file.path, file.content, { mode: file.mode, flag: 'wx' });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.chmod)(file.path, file.mode);
    }
}
/** Removes the directory and all in it; false when it was already gone. */
async function removeJobDir(dir) {
    const existed = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(dir);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(dir, { recursive: true, force: true });
    return existed;
}


/***/ }),

/***/ 8431:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Nw: () => (/* binding */ currentDockerContext),
/* harmony export */   _R: () => (/* binding */ cliPluginDirs),
/* harmony export */   bs: () => (/* binding */ daemonPaths),
/* harmony export */   cl: () => (/* binding */ runnerTempDir),
/* harmony export */   kG: () => (/* binding */ dockerConfigDir),
/* harmony export */   oy: () => (/* binding */ buildkitdConfigPath)
/* harmony export */ });
/* unused harmony export userConfigDir */
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


// Where things live on this machine, from the environment, with the fallbacks
// the tools themselves use. Computed here only, so that every stage agrees.
/** The Docker client's directory: config.json and cli-plugins/ (`DOCKER_CONFIG`, else ~/.docker). */
function dockerConfigDir(env) {
    return env.DOCKER_CONFIG || (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_0__.homedir)(), '.docker');
}
/** The user's configuration directory (`XDG_CONFIG_HOME`, else ~/.config): rootless Docker and BuildKit read theirs there. */
function userConfigDir(env) {
    return env.XDG_CONFIG_HOME || (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_0__.homedir)(), '.config');
}
/** The directories the Docker CLI searches for plugins, in its order: the user's first. */
function cliPluginDirs(env) {
    return [
        (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dockerConfigDir(env), 'cli-plugins'),
        '/usr/local/lib/docker/cli-plugins',
        '/usr/local/libexec/docker/cli-plugins',
        '/usr/lib/docker/cli-plugins',
        '/usr/libexec/docker/cli-plugins'
    ];
}
/**
 * Where the job's own files go: RUNNER_TEMP, which the runner empties after
 * each job, or the system temp directory when run outside a runner.
 */
function runnerTempDir(env) {
    return env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_0__.tmpdir)();
}
/** Where a self-hosted buildkitd reads its config: rootful /etc/buildkit, rootless ~/.config/buildkit. */
function buildkitdConfigPath(uid, env) {
    if (uid === 0)
        return '/etc/buildkit/buildkitd.toml';
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(userConfigDir(env), 'buildkit', 'buildkitd.toml');
}
/** Rootful dockerd reads /etc/docker; rootless dockerd the user's config directory, with its pid in XDG_RUNTIME_DIR. */
function daemonPaths(rootless, env) {
    if (!rootless)
        return {
            rootless,
            certsDir: '/etc/docker/certs.d',
            daemonJson: '/etc/docker/daemon.json',
            pidFile: '/var/run/docker.pid'
        };
    const config = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(userConfigDir(env), 'docker');
    return {
        rootless,
        certsDir: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(config, 'certs.d'),
        daemonJson: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(config, 'daemon.json'),
        pidFile: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.()}`, 'docker.pid')
    };
}
/**
 * The Docker context the CLI uses, as `docker context show` finds it: DOCKER_CONTEXT, else the
 * client config's currentContext, else `default` (DOCKER_HOST set still means `default`). The
 * docker driver's builder has this name. `clientConfig` is config.json's text, if any.
 */
function currentDockerContext(env, clientConfig) {
    if (env.DOCKER_CONTEXT)
        return env.DOCKER_CONTEXT;
    if (env.DOCKER_HOST)
        return 'default';
    try {
        const context = JSON.parse(clientConfig ?? '{}').currentContext;
        return context || 'default';
    }
    catch {
        return 'default';
    }
}


/***/ }),

/***/ 2677:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4813);
/* harmony import */ var _host_buildx_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3300);
/* harmony import */ var _host_files_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3285);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6062);




/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
async function runPost() {
    const { builder, buildxAlias, daemonTrust, addedAuths, installedConfig, jobDir } = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .savedUndoRecord */ .PQ)();
    if (buildxAlias)
        await undo('Could not undo `install` (run `docker buildx uninstall`)', _host_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .uninstallBuildxAlias */ .ve);
    if (builder && !builder.removeInPost) {
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Keeping builder ${builder.name} (cleanup: false).`);
    }
    else if (builder) {
        try {
            if (!(await (0,_host_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .removeBuilder */ .iq)(builder.name, builder.keepState)))
                _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Builder ${builder.name} is already gone.`);
        }
        catch (error) {
            // buildx forgets the builder even when it cannot reach the daemon to stop (e.g. a gone cluster).
            const stillKnown = await (0,_host_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .inspectBuilder */ .IK)(builder.name).catch(() => undefined);
            const reason = error.message;
            _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(stillKnown
                ? `Could not remove builder ${builder.name}: ${reason}. Remove it with \`docker buildx rm ${builder.name}\`.`
                : `buildx no longer knows builder ${builder.name}, but could not stop its BuildKit daemon: ${reason}`);
        }
    }
    if (daemonTrust) {
        await undo('Could not undo the Docker daemon trust', async () => {
            const { untrustDaemon } = await __webpack_require__.e(/* import() */ 811).then(__webpack_require__.bind(__webpack_require__, 2811));
            warnAll(await untrustDaemon(daemonTrust));
            const removed = [
                ...daemonTrust.files,
                ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
            ];
            if (removed.length > 0)
                _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Docker daemon: removed ${removed.join(', ')}`);
        });
    }
    if (addedAuths) {
        await undo(`Could not remove the credentials from ${addedAuths.path}`, async () => {
            const { removeAuths } = await __webpack_require__.e(/* import() */ 731).then(__webpack_require__.bind(__webpack_require__, 1731));
            warnAll(await removeAuths(addedAuths));
            _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the credentials the job added to ${addedAuths.path}`);
        });
    }
    // Before the job directory goes: the backups of the users' files are in it.
    if (installedConfig) {
        await undo(`Could not restore ${installedConfig.path}`, async () => {
            const { restoreConfig } = await __webpack_require__.e(/* import() */ 863).then(__webpack_require__.bind(__webpack_require__, 9863));
            warnAll(await restoreConfig(installedConfig));
            _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(installedConfig.before
                ? `Restored ${installedConfig.path} as it was before the job.`
                : `Removed ${installedConfig.path}, which the job installed.`);
        });
    }
    if (jobDir) {
        await undo(`Could not remove ${jobDir}, which holds the key material`, async () => {
            if (await (0,_host_files_js__WEBPACK_IMPORTED_MODULE_2__/* .removeJobDir */ .$Q)(jobDir))
                _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed ${jobDir} (buildkitd.toml and certificate files).`);
        });
    }
}
function warnAll(notes) {
    for (const note of notes)
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(note);
}
/** Each undo runs even when an earlier one failed; a failure fails the step, naming what was left. */
async function undo(failure, action) {
    try {
        await action();
    }
    catch (error) {
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(`${failure}: ${error.message}`);
    }
}


/***/ })

};
