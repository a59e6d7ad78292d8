import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 253:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Qd: () => (/* binding */ CommandError),
  d1: () => (/* binding */ runCommand),
  HQ: () => (/* binding */ tryCommand)
});

// UNUSED EXPORTS: CANCELLED_EXIT_CODE, stopAllCommands

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/host/command.ts

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
/** Exit code of a command not started because the job is being cancelled (128 + SIGINT, as a shell says). */
const CANCELLED_EXIT_CODE = 130;
/** Commands running now: a cancelled job stops them rather than leave them to finish after this process. */
const running = new Set();
let stopping = false;
/**
 * For a cancelled job: no new command starts, and the running ones get
 * SIGTERM, then SIGKILL after `graceMs`. Resolves once all have exited.
 */
async function stopAllCommands(graceMs) {
    stopping = true;
    const exits = [...running].map(child => new Promise(resolve => {
        if (child.exitCode !== null || child.signalCode !== null)
            return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('close', () => {
            clearTimeout(force);
            resolve();
        });
        child.kill('SIGTERM');
    }));
    await Promise.all(exits);
}
/**
 * Runs a command and returns its result whatever its exit code; a command
 * that cannot start at all (not installed) counts as exit code 127.
 */
function tryCommand(command, args, options = {}) {
    if (stopping) {
        return Promise.resolve({
            exitCode: CANCELLED_EXIT_CODE,
            stdout: '',
            stderr: 'not started: the job is being cancelled'
        });
    }
    return new Promise(resolve => {
        // The same line @actions/exec writes, so the log reads the same.
        if (options.show)
            process.stdout.write(`[command]${command} ${args.join(' ')}\n`);
        const child = (0,external_node_child_process_namespaceObject.spawn)(command, args, {
            stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
            env: options.env ? { ...process.env, ...options.env } : process.env
        });
        running.add(child);
        child.once('close', () => running.delete(child));
        child.once('error', () => running.delete(child));
        if (child.pid !== undefined)
            options.onStart?.(child.pid);
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

/***/ 431:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   _R: () => (/* binding */ cliPluginDirs),
/* harmony export */   kG: () => (/* binding */ dockerConfigDir)
/* harmony export */ });
/* unused harmony exports dockerConfigFile, userConfigDir, runnerTempDir, buildkitdConfigPath, daemonPaths, currentDockerContext */
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


// Where things live on this machine, from the environment, with the fallbacks
// the tools themselves use. Computed here only, so that every stage agrees.
/** The Docker client's directory: config.json and cli-plugins/ (`DOCKER_CONFIG`, else ~/.docker). */
function dockerConfigDir(env) {
    return env.DOCKER_CONFIG || (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_0__.homedir)(), '.docker');
}
/** The Docker client config that docker and buildx read credentials from. */
function dockerConfigFile(env) {
    return join(dockerConfigDir(env), 'config.json');
}
/** The user's configuration directory (`XDG_CONFIG_HOME`, else ~/.config): rootless Docker and BuildKit read theirs there. */
function userConfigDir(env) {
    return env.XDG_CONFIG_HOME || join(homedir(), '.config');
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
    return env.RUNNER_TEMP || tmpdir();
}
/** Where a self-hosted buildkitd reads its config: rootful /etc/buildkit, rootless ~/.config/buildkit. */
function buildkitdConfigPath(uid, env) {
    if (uid === 0)
        return '/etc/buildkit/buildkitd.toml';
    return join(userConfigDir(env), 'buildkit', 'buildkitd.toml');
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
    const config = join(userConfigDir(env), 'docker');
    return {
        rootless,
        certsDir: join(config, 'certs.d'),
        daemonJson: join(config, 'daemon.json'),
        pidFile: join(env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.()}`, 'docker.pid')
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

/***/ 813:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $e: () => (/* binding */ warning),
/* harmony export */   Gu: () => (/* binding */ getState),
/* harmony export */   dN: () => (/* binding */ exportVariable),
/* harmony export */   pq: () => (/* binding */ info)
/* harmony export */ });
/* unused harmony exports getInput, getMultilineInput, saveState, setOutput, setSecret, setFailed, startGroup, endGroup, group, appendSummary */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);



// The GitHub runner's interface, as far as this action uses it: inputs, state,
// outputs, masks, log groups, annotations and the job summary, in the same
// workflow commands and command files as @actions/core writes. Not
// @actions/core itself: it imports @actions/http-client and undici for OIDC,
// which this action never uses, and loading them cost every step more than
// all the action's own code (see the README's Performance section).
/** An input as the runner passes it (`INPUT_<NAME>`); '' when not set. */
function getInput(name, options = {}) {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    return options.trimWhitespace === false ? value : value.trim();
}
/** The non-empty lines of an input, each trimmed. */
function getMultilineInput(name) {
    return getInput(name)
        .split('\n')
        .filter(line => line !== '')
        .map(line => line.trim());
}
/** What main saved under `name` (`STATE_<name>` in the post step); '' when nothing. */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function saveState(name, value) {
    setValue('STATE', 'save-state', name, value);
}
function setOutput(name, value) {
    setValue('OUTPUT', 'set-output', name, value);
}
/** Sets `name` for every later step of the job (GITHUB_ENV); this process's own environment is left alone. */
function exportVariable(name, value) {
    setValue('ENV', 'set-env', name, value);
}
/** Masks `secret` in every later line of the log. */
function setSecret(secret) {
    command('add-mask', {}, secret);
}
function info(message) {
    process.stdout.write(message + node_os__WEBPACK_IMPORTED_MODULE_2__.EOL);
}
function warning(message, properties = {}) {
    command('warning', properties, message);
}
/** Fails the step with `message` as its error annotation; the step goes on to its end. */
function setFailed(message) {
    process.exitCode = 1;
    command('error', {}, message);
}
function startGroup(title) {
    command('group', {}, title);
}
function endGroup() {
    command('endgroup', {}, '');
}
/** Runs `work` inside a folded group of the log. */
async function group(title, work) {
    startGroup(title);
    try {
        return await work();
    }
    finally {
        endGroup();
    }
}
/** Appends HTML to the job summary; nothing outside a runner. */
function appendSummary(html) {
    const path = process.env.GITHUB_STEP_SUMMARY;
    if (path)
        appendFileSync(path, html, 'utf8');
}
/** `name<<DELIMITER` blocks in the command file when the runner gives one, else the old workflow command. */
function setValue(file, legacyCommand, name, value) {
    const path = process.env[`GITHUB_${file}`];
    if (!path) {
        process.stdout.write(node_os__WEBPACK_IMPORTED_MODULE_2__.EOL);
        command(legacyCommand, { name }, value);
        return;
    }
    const delimiter = `ghadelimiter_${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()}`;
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(path, `${name}<<${delimiter}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}${value}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}${delimiter}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`, 'utf8');
}
/** `::name key=value::message`, escaped as the runner reads it. */
function command(name, properties, message) {
    const escape = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    const props = Object.entries(properties)
        .filter((entry) => !!entry[1])
        .map(([key, value]) => `${key}=${escape(value).replace(/:/g, '%3A').replace(/,/g, '%2C')}`)
        .join(',');
    // As @actions/core: a space after the name whenever properties were given, even all empty.
    const space = Object.keys(properties).length > 0 ? ' ' : '';
    process.stdout.write(`::${name}${space}${props}::${escape(message)}${node_os__WEBPACK_IMPORTED_MODULE_2__.EOL}`);
}


/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: ./src/runner.ts
var src_runner = __nccwpck_require__(813);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __nccwpck_require__(431);
;// CONCATENATED MODULE: ./src/host/builder-info.ts
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

// EXTERNAL MODULE: ./src/host/command.ts + 1 modules
var command = __nccwpck_require__(253);
;// CONCATENATED MODULE: ./src/host/buildx.ts






/** The buildx plugin's file name, as the Docker CLI looks for it. */
const BUILDX_PLUGIN = process.platform === 'win32' ? 'docker-buildx.exe' : 'docker-buildx';
/** The buildx plugin binary the Docker CLI would run, if any: a look at the disk rather than `docker buildx version`, which would cost a process. */
function buildxPluginPath(env) {
    return (0,paths/* cliPluginDirs */._R)(env)
        .map(dir => (0,external_node_path_.join)(dir, BUILDX_PLUGIN))
        .find(path => (0,external_node_fs_.existsSync)(path));
}
/** The Docker client config's text; undefined when there is none. */
function clientConfig() {
    const path = (0,external_node_path_.join)((0,paths/* dockerConfigDir */.kG)(process.env), 'config.json');
    return (0,external_node_fs_.existsSync)(path) ? (0,external_node_fs_.readFileSync)(path, 'utf8') : undefined;
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
    return plugin ? (0,command/* tryCommand */.HQ)(plugin, args, options) : (0,command/* tryCommand */.HQ)('docker', ['buildx', ...args], options);
}
async function runBuildx(args, options = {}) {
    const result = await buildx(args, options);
    if (result.exitCode !== 0)
        throw new command/* CommandError */.Qd(`docker buildx ${args.join(' ')}`, result.exitCode, result.stderr);
    return result.stdout;
}
/** buildx refuses to create a builder whose name an existing one has. */
function isNameTaken(error) {
    return error instanceof CommandError && /existing instance for/i.test(error.stderr);
}
/**
/**
 * Runs the plan's `buildx create …` and then each `buildx create --append …` (the `append`
 * nodes), their output folded in the log. `onStart` gets each process's id, for a post step
 * that may find it still running.
 */
async function createBuilder(args, appendArgs, name, onStart) {
    await runner.group(`Creating builder ${name}`, async () => {
        await runBuildx(args.slice(1), { show: true, onStart });
        for (const nodeArgs of appendArgs)
            await runBuildx(nodeArgs.slice(1), { show: true, onStart });
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
        throw new command/* CommandError */.Qd(`docker buildx inspect ${name}`, result.exitCode, result.stderr);
    }
    return parseBuilderInspect(result.stdout);
}
/**
 * Removes the builder in one round trip (no inspect first); false when buildx
 * knew none of that name (already gone). `keepState` keeps a docker-container
 * builder's BuildKit state volume (`keep-state`).
 */
async function removeBuilder(name, keepState = false) {
    const result = await buildx(['rm', name, ...(keepState ? ['--keep-state'] : [])]);
    if (result.exitCode === 0) {
        src_runner/* info */.pq(`Removed builder ${name}${keepState ? ', keeping its BuildKit state (keep-state)' : ''}.`);
        return true;
    }
    // Only buildx's own words for an unknown builder: a driver's "not found" (a gone cluster) is a failure.
    if (/no builder ".*" found/i.test(result.stderr))
        return false;
    throw new command/* CommandError */.Qd(`docker buildx rm ${name}`, result.exitCode, result.stderr);
}
function isUnknownBuilder(stderr) {
    return /no builder .* found|not found/i.test(stderr);
}
/** v3's `install`: `docker build` runs `docker buildx build` (an alias in the client config). */
async function installBuildxAlias() {
    await runner.group('Setting buildx as the docker build command (install)', () => runBuildx(['install'], { show: true }));
}
/** Undoes installBuildxAlias. */
async function uninstallBuildxAlias() {
    await runBuildx(['uninstall']);
    src_runner/* info */.pq('docker build is the docker build command again (buildx uninstall).');
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(455);
;// CONCATENATED MODULE: ./src/host/files.ts




/**
 * The path of a new job directory, unique even for concurrent jobs. Chosen
 * before it is made, so main can record it first: a job cancelled in between
 * leaves post a directory to remove, never one it does not know of.
 */
function newJobDirPath(parent) {
    return join(parent, `setup-buildkit-registry-${randomBytes(6).toString('hex')}`);
}
/** Makes the job directory, which only this user can enter; fails if anything is there already. */
async function createJobDir(dir) {
    await inRunnerTemp(dir, async () => {
        await mkdir(dirname(dir), { recursive: true });
        await mkdir(dir, { mode: 0o700 });
        await chmod(dir, 0o700);
    });
}
/**
 * Writes each file with its mode. `wx` refuses to follow or overwrite
 * anything already there, and the explicit chmod undoes the umask.
 */
async function writePlannedFiles(files, jobDir) {
    await inRunnerTemp(jobDir, async () => {
        for (const file of files) {
            await mkdir(dirname(file.path), { recursive: true, mode: 0o700 });
            await writeFile(file.path, file.content, { mode: file.mode, flag: 'wx' });
            await chmod(file.path, file.mode);
        }
    });
}
/** The machine's own faults there (full, read-only, not ours) named as the runner's temp directory's. */
async function inRunnerTemp(jobDir, write) {
    try {
        await write();
    }
    catch (error) {
        const code = error.code;
        const why = {
            ENOSPC: 'no space left on device',
            EDQUOT: 'disk quota exceeded',
            EROFS: 'it is read-only',
            EACCES: 'permission denied',
            EPERM: 'permission denied'
        };
        if (code === undefined || !(code in why))
            throw error;
        throw new Error(`cannot write the job's files in RUNNER_TEMP (${dirname(jobDir)}): ${why[code]} (${code}). Free space there, or give the runner a writable temp directory`);
    }
}
/** Removes the directory and all in it; false when it was already gone. */
async function removeJobDir(dir) {
    const existed = (0,external_node_fs_.existsSync)(dir);
    await (0,promises_.rm)(dir, { recursive: true, force: true });
    return existed;
}

;// CONCATENATED MODULE: ./src/steps/state.ts

var StateKey;
(function (StateKey) {
    StateKey["Undo"] = "undo";
})(StateKey || (StateKey = {}));
/** Main's record of what to undo; every change is saved at once (a later value wins on the runner). */
class UndoLog {
    record = {};
    add(change) {
        this.record = { ...this.record, ...change };
        runner.saveState(StateKey.Undo, JSON.stringify(this.record));
    }
}
/** What main recorded; empty when it recorded nothing. */
function savedUndoRecord() {
    const saved = src_runner/* getState */.Gu(StateKey.Undo);
    return saved === '' ? {} : JSON.parse(saved);
}

;// CONCATENATED MODULE: ./src/steps/post.ts




/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
async function runPost() {
    const { builder, lease, buildxAlias, daemonTrust, addedAuths, installedConfig, clientTrust, jobDir } = savedUndoRecord();
    if (buildxAlias)
        await undo('Could not undo `install` (run `docker buildx uninstall`)', uninstallBuildxAlias);
    // A main step killed before it could stop its `buildx create` leaves it running: stop it before
    // it finishes a builder this step has already looked for.
    if (builder?.createPid !== undefined) {
        const { stopStrayCommand } = await __nccwpck_require__.e(/* import() */ 327).then(__nccwpck_require__.bind(__nccwpck_require__, 327));
        if (await stopStrayCommand(builder.createPid, builder.name, 5000)) {
            src_runner/* info */.pq(`Stopped \`docker buildx create\` of ${builder.name}, which outlived the cancelled main step.`);
        }
    }
    if (builder && !builder.removeInPost) {
        src_runner/* info */.pq(`Keeping builder ${builder.name} (cleanup: false).`);
    }
    else if (builder) {
        try {
            if (!(await removeBuilder(builder.name, builder.keepState)))
                src_runner/* info */.pq(`Builder ${builder.name} is already gone.`);
        }
        catch (error) {
            // buildx forgets the builder even when it cannot reach the daemon to stop (e.g. a gone cluster);
            // an inspect that fails too (the daemon is gone) leaves it known.
            const stillKnown = await inspectBuilder(builder.name).then(info => info !== undefined, () => true);
            const reason = error.message;
            // What a docker-container builder leaves behind: its container (and the state volume with it).
            const container = builder.driver === 'docker-container'
                ? ` Its BuildKit container may still be there: once the daemon answers, remove it with \`docker rm -f -v buildx_buildkit_${builder.name}0\`.`
                : '';
            src_runner/* warning */.$e(stillKnown
                ? `Could not remove builder ${builder.name}: ${reason}. Remove it with \`docker buildx rm ${builder.name}\`.`
                : `buildx no longer knows builder ${builder.name}, but could not stop its BuildKit daemon: ${reason}.${container}`);
        }
    }
    if (lease) {
        await undo(`Could not release the builder name ${lease.holder.builder}`, async () => {
            const { releaseLease } = await __nccwpck_require__.e(/* import() */ 190).then(__nccwpck_require__.bind(__nccwpck_require__, 190));
            await releaseLease(lease.path, lease.holder);
        });
    }
    if (daemonTrust) {
        await undo('Could not undo the Docker daemon trust', async () => {
            const { untrustDaemon } = await __nccwpck_require__.e(/* import() */ 811).then(__nccwpck_require__.bind(__nccwpck_require__, 811));
            warnAll(await untrustDaemon(daemonTrust));
            const removed = [
                ...daemonTrust.files,
                ...(daemonTrust.daemonJson?.added.map(host => `insecure-registries ${host}`) ?? [])
            ];
            if (removed.length > 0)
                src_runner/* info */.pq(`Docker daemon: removed ${removed.join(', ')}`);
        });
    }
    if (addedAuths) {
        await undo(`Could not remove the credentials from ${addedAuths.path}`, async () => {
            const { removeAuths } = await __nccwpck_require__.e(/* import() */ 731).then(__nccwpck_require__.bind(__nccwpck_require__, 731));
            warnAll(await removeAuths(addedAuths));
            src_runner/* info */.pq(`Removed the credentials the job added to ${addedAuths.path}`);
        });
    }
    // Before the job directory (and the CA bundle in it) goes: later post steps must not get a variable naming a removed file.
    if (clientTrust) {
        await undo('Could not point SSL_CERT_FILE back', async () => {
            const { restoreClientTrust } = await __nccwpck_require__.e(/* import() */ 509).then(__nccwpck_require__.bind(__nccwpck_require__, 509));
            restoreClientTrust(clientTrust);
        });
    }
    // Before the job directory goes: the backups of the users' files are in it.
    if (installedConfig) {
        await undo(`Could not restore ${installedConfig.path}`, async () => {
            const { restoreConfig } = await __nccwpck_require__.e(/* import() */ 863).then(__nccwpck_require__.bind(__nccwpck_require__, 863));
            warnAll(await restoreConfig(installedConfig));
            src_runner/* info */.pq(installedConfig.before
                ? `Restored ${installedConfig.path} as it was before the job.`
                : `Removed ${installedConfig.path}, which the job installed.`);
        });
    }
    if (jobDir) {
        await undo(`Could not remove ${jobDir}, which holds the key material`, async () => {
            if (await removeJobDir(jobDir))
                src_runner/* info */.pq(`Removed ${jobDir} (buildkitd.toml and certificate files).`);
        });
    }
}
function warnAll(notes) {
    for (const note of notes)
        src_runner/* warning */.$e(note);
}
/**
 * Each undo runs even when an earlier one failed. A failure is a warning naming what was left:
 * cleanup never turns a job red that did its work (as docker/setup-buildx-action's post step).
 */
async function undo(failure, action) {
    try {
        await action();
    }
    catch (error) {
        src_runner/* warning */.$e(`${failure}: ${error.message}`);
    }
}

;// CONCATENATED MODULE: ./src/post-index.ts

// action.yml's `post`: undoes what main recorded (see steps/state.ts), whatever moment main ended at.
void runPost();

