export const id = 677;
export const ids = [677];
export const modules = {

/***/ 774:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  hm: () => (/* binding */ BUILDX_PLUGIN),
  At: () => (/* binding */ bootedPlatforms),
  lA: () => (/* binding */ buildxPluginPath),
  Ij: () => (/* binding */ createBuilder),
  IK: () => (/* binding */ inspectBuilder),
  hU: () => (/* binding */ isNameTaken),
  iq: () => (/* binding */ removeBuilder)
});

// UNUSED EXPORTS: parseInspect, platformsFromBuildkitdLog

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __webpack_require__(8431);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
// EXTERNAL MODULE: ./src/host/command.ts
var command = __webpack_require__(1407);
;// CONCATENATED MODULE: ./src/host/docker-engine.ts
/** The local Docker daemon's socket, where the docker CLI's default context points. */
const DOCKER_SOCKET = '/var/run/docker.sock';
/**
 * True when `docker` talks to the local daemon through its default socket:
 * no DOCKER_HOST or DOCKER_CONTEXT, no other context chosen in the client
 * config. Only then is a request to the socket what the CLI would do.
 */
function usesLocalDaemon(env, clientConfig) {
    if (env.DOCKER_HOST || env.DOCKER_CONTEXT)
        return false;
    if (clientConfig === undefined)
        return true;
    try {
        const context = JSON.parse(clientConfig).currentContext;
        return context === undefined || context === '' || context === 'default';
    }
    catch {
        return false;
    }
}
/** A container's log (stdout and stderr, as the Engine API streams it); undefined on any failure. */
async function containerLog(container, timeoutMs = 2000) {
    // Loaded here, not with the module: node:http costs the post step, which never asks, about 15 ms.
    const { request } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 7067, 23));
    return new Promise(resolve => {
        // agent: false, so no kept-alive socket holds the step open after its work.
        const req = request({
            agent: false,
            socketPath: DOCKER_SOCKET,
            path: `/containers/${encodeURIComponent(container)}/logs?stdout=1&stderr=1`,
            timeout: timeoutMs
        }, response => {
            if (response.statusCode !== 200) {
                response.resume();
                resolve(undefined);
                return;
            }
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
            response.on('error', () => resolve(undefined));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(undefined));
        req.end();
    });
}

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
    return error instanceof command/* CommandError */.Qd && /existing instance for/i.test(error.stderr);
}
/** Runs `docker buildx create ...` with the plan's arguments (`buildx create …`), its output folded in the log. */
async function createBuilder(args, name) {
    await runner/* group */.Os(`Creating builder ${name}`, () => runBuildx(args.slice(1), { show: true }));
}
/** The builder, or undefined when buildx knows none of that name. */
async function inspectBuilder(name) {
    const result = await buildx(['inspect', name]);
    if (result.exitCode !== 0) {
        if (isUnknownBuilder(result.stderr))
            return undefined;
        throw new command/* CommandError */.Qd(`docker buildx inspect ${name}`, result.exitCode, result.stderr);
    }
    return parseInspect(result.stdout);
}
/**
 * Removes the builder in one round trip (no inspect first); false when buildx
 * knew none of that name (already gone).
 */
async function removeBuilder(name) {
    const result = await buildx(['rm', name]);
    if (result.exitCode === 0) {
        runner/* info */.pq(`Removed builder ${name}.`);
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
/**
 * The platforms of a builder that `buildx create --bootstrap` just booted.
 * `buildx inspect` costs about 150 ms (two CLI starts and a `docker exec` into
 * the BuildKit container); for a docker-container builder on the local daemon
 * the same list is in buildkitd's start-up log ("found worker …, platforms=[…]"),
 * one request to the Docker socket away. Anything else, or a log that does not
 * read as expected, falls back to `buildx inspect`.
 */
async function bootedPlatforms(name, driver, endpoint) {
    if (driver === 'docker-container' && endpoint === '') {
        if (usesLocalDaemon(process.env, clientConfig())) {
            // buildx names the container of a builder's first (and only) node so.
            const log = await containerLog(`buildx_buildkit_${name}0`);
            const platforms = log === undefined ? undefined : platformsFromBuildkitdLog(log);
            if (platforms)
                return platforms;
        }
    }
    return (await inspectBuilder(name))?.platforms ?? [];
}
/** The worker's platforms from buildkitd's log; undefined unless exactly one worker was found. */
function platformsFromBuildkitdLog(log) {
    const workers = [...log.matchAll(/found worker .*?platforms=\[([^\]]*)\]/g)];
    if (workers.length !== 1)
        return undefined;
    const platforms = workers[0][1].split(' ').filter(platform => platform !== '');
    return platforms.length > 0 ? platforms : undefined;
}
/** Reads the first node's platforms from `docker buildx inspect` (`*` marks ones set by the user). */
function parseInspect(output) {
    const line = /^Platforms:[ \t]*(.*)$/m.exec(output)?.[1] ?? '';
    const platforms = line
        .split(',')
        .map(platform => platform.trim().replace(/\*$/, ''))
        .filter(platform => platform !== '');
    return { platforms };
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
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
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
/* harmony export */   _R: () => (/* binding */ cliPluginDirs),
/* harmony export */   bs: () => (/* binding */ daemonPaths),
/* harmony export */   cl: () => (/* binding */ runnerTempDir),
/* harmony export */   dO: () => (/* binding */ dockerConfigFile),
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
/** The Docker client config that docker and buildx read credentials from. */
function dockerConfigFile(env) {
    return (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dockerConfigDir(env), 'config.json');
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


/***/ }),

/***/ 2677:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPost: () => (/* binding */ runPost)
/* harmony export */ });
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4813);
/* harmony import */ var _host_buildx_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(774);
/* harmony import */ var _host_files_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3285);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6062);




/**
 * Undoes what main did, from saved state alone. Safe after a failed or
 * partial main step and when run twice: whatever is already gone is skipped.
 * The undo of a host change is loaded only when main made that change.
 */
async function runPost() {
    const { builder, daemonTrust, addedAuths, installedConfig, clientTrust, jobDir } = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .savedUndoRecord */ .PQ)();
    if (builder && !builder.removeInPost) {
        _runner_js__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Keeping builder ${builder.name} (cleanup: false).`);
    }
    else if (builder) {
        try {
            if (!(await (0,_host_buildx_js__WEBPACK_IMPORTED_MODULE_1__/* .removeBuilder */ .iq)(builder.name)))
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
            const { untrustDaemon } = await __webpack_require__.e(/* import() */ 375).then(__webpack_require__.bind(__webpack_require__, 4375));
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
    // Before the job directory (and the CA bundle in it) goes: later post steps must not get a variable naming a removed file.
    if (clientTrust) {
        await undo('Could not point SSL_CERT_FILE back', async () => {
            const { restoreClientTrust } = await __webpack_require__.e(/* import() */ 780).then(__webpack_require__.bind(__webpack_require__, 1780));
            restoreClientTrust(clientTrust);
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
