export const id = 505;
export const ids = [505];
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

/***/ 182:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HM: () => (/* binding */ portOf),
/* harmony export */   MY: () => (/* binding */ authKey),
/* harmony export */   U9: () => (/* binding */ isLoopback),
/* harmony export */   tB: () => (/* binding */ basicAuth),
/* harmony export */   tF: () => (/* binding */ PUBLIC_FILE_MODE),
/* harmony export */   vo: () => (/* binding */ PRIVATE_FILE_MODE)
/* harmony export */ });
// The project's nouns, defined once. Every other module reads this one; it
// imports nothing of ours, so type dependencies run one way: model ← inputs ←
// plan ← preflight / host ← steps.
/** The port a connection goes to: the written one, else the transport's default. */
function portOf(host, transport) {
    return host.port ?? (transport === 'http' ? 80 : 443);
}
/** True for names that reach this machine itself: a builder container must then share the host network. */
function isLoopback(host) {
    const name = host.hostname.toLowerCase();
    return name === 'localhost' || name.endsWith('.localhost') || /^127\./.test(name) || name === '::1';
}
/** What Docker stores for a credential, and what the runner must mask besides the password. */
function basicAuth(credential) {
    return Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
}
/** The key of a registry's entry in the Docker client config: Docker Hub's is its old index URL. */
function authKey(host) {
    return host === 'docker.io' || host === 'index.docker.io' ? 'https://index.docker.io/v1/' : host;
}
/** Certificates and CAs: readable by anyone, as on any system. */
const PUBLIC_FILE_MODE = 0o644;
/** Private keys, credentials and backups of files that may hold them. */
const PRIVATE_FILE_MODE = 0o600;


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

/***/ 7095:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ff: () => (/* binding */ tokenTrustFor),
/* harmony export */   G$: () => (/* binding */ bundleText),
/* harmony export */   Vw: () => (/* binding */ planClientTrust)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** undefined when no TLS registry has a CA or a keypair: nothing then changes for later steps. Pure. */
function planClientTrust(registries, dir) {
    const verified = registries.filter(registry => registry.transport === 'tls');
    const withCa = verified.filter(registry => registry.ca !== '');
    const mtlsHosts = verified.filter(registry => registry.keypair).map(registry => registry.host.text);
    if (withCa.length === 0 && mtlsHosts.length === 0)
        return undefined;
    const certificates = new Set(withCa.flatMap(registry => registry.ca.match(CERTIFICATE) ?? []));
    return {
        bundlePath: (0,node_path__WEBPACK_IMPORTED_MODULE_0__.join)(dir, 'ca-bundle.pem'),
        extraCas: [...certificates].map(certificate => certificate + '\n').join(''),
        caHosts: withCa.map(registry => registry.host.text),
        mtlsHosts
    };
}
/** The bundle SSL_CERT_FILE will name: the runner's roots, then the registries' CAs. Pure. */
function bundleText(roots, extraCas) {
    const base = roots ? roots.pem.replace(/\s*$/, '\n') : '';
    return `${base}${extraCas}`;
}
/**
 * The trust a token fetch for `registry` will have. buildkitd fetches with the registry host's
 * own client (buildkit util/resolver/pool.go: newDockerAuthorizer(res[0].Client, ...)), so a
 * realm on another host is trusted with the registry's `ca` and offered its keypair. Pure.
 */
function tokenTrustFor(registry, plan, roots) {
    if (plan && plan.mtlsHosts.length > 0)
        return { fetchedBy: 'buildkitd', ca: registry.ca, keypair: registry.keypair };
    // On the runner: its roots and the bundle (as SSL_CERT_FILE will name it) are what Go trusts.
    return { fetchedBy: 'buildx', ca: plan ? bundleText(roots, plan.extraCas) : (roots?.pem ?? '') };
}


/***/ }),

/***/ 6556:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ tlsFiles)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(182);

/**
 * A CA and a keypair as files: the CA and the certificate readable by all, the
 * key by its owner only. Each consumer (BuildKit's registry sections, the
 * remote driver's endpoint, the daemon's certs.d) names the files its own way.
 */
function tlsFiles(paths, ca, keypair) {
    const files = [];
    if (ca)
        files.push({ path: paths.ca, content: ca, mode: _model_js__WEBPACK_IMPORTED_MODULE_0__/* .PUBLIC_FILE_MODE */ .tF });
    if (keypair) {
        files.push({ path: paths.cert, content: keypair.cert, mode: _model_js__WEBPACK_IMPORTED_MODULE_0__/* .PUBLIC_FILE_MODE */ .tF });
        files.push({ path: paths.key, content: keypair.key, mode: _model_js__WEBPACK_IMPORTED_MODULE_0__/* .PRIVATE_FILE_MODE */ .vo });
    }
    return files;
}


/***/ }),

/***/ 4505:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMain: () => (/* binding */ runMain)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
;// CONCATENATED MODULE: ./src/inputs/input-error.ts
/**
 * The one error type for bad input. It carries what a user needs to fix the
 * workflow file: which input, which line of a list input, and what to write
 * instead. steps/main.ts prints it once, with runner.setFailed.
 */
class InputError extends Error {
    input;
    problem;
    fix;
    line;
    constructor(input, problem, fix, line) {
        super(`${InputError.where(input, line)}: ${problem}. Fix: ${fix}`);
        this.input = input;
        this.problem = problem;
        this.fix = fix;
        this.line = line;
        this.name = 'InputError';
    }
    static where(input, line) {
        return line === undefined ? `Input '${input}'` : `Input '${input}', line ${line}`;
    }
}

// EXTERNAL MODULE: ./src/host/buildx.ts + 1 modules
var buildx = __webpack_require__(774);
;// CONCATENATED MODULE: ./src/host/builder.ts



/**
 * Creates the builder. A builder of the same name left by a crashed job (usual
 * on self-hosted runners) is removed and created again, unless `replace: false`.
 */
async function createReplacingLeftover(createArgs, name, replace) {
    try {
        await (0,buildx/* createBuilder */.Ij)(createArgs, name);
        return;
    }
    catch (error) {
        if (!(0,buildx/* isNameTaken */.hU)(error)) {
            await removeHalfMadeBuilder(name);
            throw error;
        }
    }
    if (!replace) {
        throw new InputError('name', `a builder named '${name}' already exists`, `remove it with \`docker buildx rm ${name}\`, set \`replace: true\`, or choose another \`name\``);
    }
    runner/* info */.pq(`A builder named ${name} already exists (left by an earlier job?): removing it and creating it again.`);
    await (0,buildx/* removeBuilder */.iq)(name);
    try {
        await (0,buildx/* createBuilder */.Ij)(createArgs, name);
    }
    catch (error) {
        await removeHalfMadeBuilder(name);
        throw error;
    }
}
/** `buildx create --bootstrap` stores the builder before booting it: a failed boot leaves it behind. */
async function removeHalfMadeBuilder(name) {
    try {
        await (0,buildx/* removeBuilder */.iq)(name);
    }
    catch (error) {
        runner/* warning */.$e(`Could not remove the half-created builder ${name}: ${error.message}. Remove it with \`docker buildx rm ${name}\`.`);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __webpack_require__(8431);
;// CONCATENATED MODULE: ./src/host/buildx-install.ts






/**
 * Where the releases come from. The environment variables exist for the tests,
 * which serve a real buildx binary from a local server; users leave them unset.
 */
function releasesUrl() {
    return process.env.SETUP_BUILDKIT_REGISTRY_BUILDX_RELEASES_URL || 'https://github.com/docker/buildx/releases';
}
function apiUrl() {
    return process.env.SETUP_BUILDKIT_REGISTRY_BUILDX_API_URL || 'https://api.github.com/repos/docker/buildx';
}
/**
 * @actions/tool-cache, loaded only when buildx is installed: with the HTTP
 * client and undici it is most of the bundle, which most runs never need.
 */
function toolCache() {
    return __webpack_require__.e(/* import() */ 991).then(__webpack_require__.bind(__webpack_require__, 5991));
}
/** The release asset for this runner, as buildx names them: `buildx-v0.19.3.linux-amd64`. */
function releaseAssetName(version, platform, arch) {
    const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[platform];
    const cpu = { x64: 'amd64', arm64: 'arm64', arm: 'arm-v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[arch];
    if (!os || !cpu)
        throw new Error(`buildx publishes no release for ${platform}/${arch}`);
    return `buildx-${version}.${os}-${cpu}${platform === 'win32' ? '.exe' : ''}`;
}
/** The sha256 that the release's checksums file gives for `asset` (lines: `<sha256> *<asset>`). */
function checksumFor(checksums, asset) {
    for (const line of checksums.split('\n')) {
        const [sum, name] = line.trim().split(/\s+\*?/);
        if (name === asset && /^[0-9a-f]{64}$/.test(sum))
            return sum;
    }
    return undefined;
}
/**
 * Installs buildx `version` (`v0.19.3` or `latest`) as the user's Docker CLI
 * plugin: from the tool cache when there, else downloaded and checked against
 * the release's checksums file. Returns the version installed.
 */
async function installBuildx(requested) {
    return runner/* group */.Os(`Installing buildx ${requested}`, async () => {
        const version = requested === 'latest' ? await latestVersion() : requested.startsWith('v') ? requested : `v${requested}`;
        const asset = releaseAssetName(version, process.platform, process.arch);
        const pluginName = buildx/* BUILDX_PLUGIN */.hm;
        let cachedDir = (await toolCache()).find('buildx', version.slice(1), process.arch);
        if (cachedDir) {
            runner/* info */.pq(`buildx ${version} found in the tool cache: ${cachedDir}`);
        }
        else {
            cachedDir = await downloadVerified(version, asset, pluginName);
        }
        const pluginDir = (0,paths/* cliPluginDirs */._R)(process.env)[0];
        await (0,promises_.mkdir)(pluginDir, { recursive: true });
        await (0,promises_.copyFile)((0,external_node_path_.join)(cachedDir, pluginName), (0,external_node_path_.join)(pluginDir, pluginName));
        await (0,promises_.chmod)((0,external_node_path_.join)(pluginDir, pluginName), 0o755);
        runner/* info */.pq(`Installed as ${(0,external_node_path_.join)(pluginDir, pluginName)}`);
        return version;
    });
}
/** Runs `use` with a download directory of its own, removed afterwards so RUNNER_TEMP stays clean. */
async function withDownloadDir(use) {
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,paths/* runnerTempDir */.cl)(process.env), 'buildx-download-'));
    try {
        return await use(dir);
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
/** Downloads the binary and checksums.txt, verifies, and caches the binary. */
async function downloadVerified(version, asset, pluginName) {
    return withDownloadDir(async (downloads) => {
        const tc = await toolCache();
        const base = `${releasesUrl()}/download/${version}`;
        const binary = await tc.downloadTool(`${base}/${asset}`, (0,external_node_path_.join)(downloads, asset));
        const checksums = await (0,promises_.readFile)(await tc.downloadTool(`${base}/checksums.txt`, (0,external_node_path_.join)(downloads, 'checksums.txt')), 'utf8');
        const expected = checksumFor(checksums, asset);
        if (!expected)
            throw new Error(`buildx ${version}: checksums.txt lists no ${asset}; not installing an unverified binary`);
        const actual = (0,external_node_crypto_.createHash)('sha256')
            .update(await (0,promises_.readFile)(binary))
            .digest('hex');
        if (actual !== expected)
            throw new Error(`buildx ${version}: checksum mismatch for ${asset} (expected ${expected}, got ${actual}); not installing it`);
        const cachedDir = await tc.cacheFile(binary, pluginName, 'buildx', version.slice(1), process.arch);
        runner/* info */.pq(`buildx ${version} downloaded, verified (sha256 ${actual}) and cached`);
        return cachedDir;
    });
}
async function latestVersion() {
    return withDownloadDir(async (downloads) => {
        const tc = await toolCache();
        const release = JSON.parse(await (0,promises_.readFile)(await tc.downloadTool(`${apiUrl()}/releases/latest`, (0,external_node_path_.join)(downloads, 'latest.json')), 'utf8'));
        if (!release.tag_name)
            throw new Error('could not tell the latest buildx release (no tag_name in the GitHub API answer)');
        return release.tag_name;
    });
}
/** `buildx-version` set: install it. Unset: install the latest only when no buildx plugin is there. */
async function ensureBuildx(requested) {
    if (requested !== '') {
        await installBuildx(requested);
    }
    else if (!(0,buildx/* buildxPluginPath */.lA)(process.env)) {
        runner/* info */.pq('docker buildx is not installed: installing the latest release (set `buildx-version` to pin one).');
        await installBuildx('latest');
    }
}

// EXTERNAL MODULE: ./src/host/files.ts
var files = __webpack_require__(3285);
// EXTERNAL MODULE: ./src/model.ts
var model = __webpack_require__(182);
// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __webpack_require__(3292);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/inputs/input-file.ts


/**
 * Reads a file an input names. `orInstead` is the other way to give the same
 * thing, for the fix; `line` the line of a list input that named it.
 */
function readInputFile(input, path, orInstead, line) {
    try {
        return (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT'
            ? 'does not exist'
            : code === 'EACCES'
                ? 'cannot be read (permission denied)'
                : code === 'EISDIR'
                    ? 'is a directory'
                    : `cannot be read (${code})`;
        throw new InputError(input, `the file '${path}' ${why} (relative paths start at ${process.cwd()})`, `check the path, or ${orInstead}`, line);
    }
}

;// CONCATENATED MODULE: ./src/inputs/base-config.ts




/** The buildkitd.toml to start from: a file, inline text, or none. */
function readBaseConfig() {
    const path = runner/* getInput */.V4('buildkitd-config');
    const inline = runner/* getInput */.V4('buildkitd-config-inline', { trimWhitespace: false });
    if (path !== '' && inline.trim() !== '') {
        throw new InputError('buildkitd-config-inline', 'is set together with `buildkitd-config`', 'keep one of them: a path to a TOML file, or the TOML text inline');
    }
    if (path !== '') {
        const text = readInputFile('buildkitd-config', path, 'give the TOML text in `buildkitd-config-inline`');
        return { table: parseBaseConfig('buildkitd-config', text), input: 'buildkitd-config' };
    }
    if (inline.trim() !== '')
        return { table: parseBaseConfig('buildkitd-config-inline', inline), input: 'buildkitd-config-inline' };
    return undefined;
}
function parseBaseConfig(input, text) {
    try {
        return (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        if (error instanceof dist/* TomlError */.zx) {
            const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
            throw new InputError(input, `invalid TOML: ${reason}`, `correct the TOML at line ${error.line}, column ${error.column}`, error.line);
        }
        throw error;
    }
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/inputs/hosts.ts


const HOST_FORM = 'HOST or HOST:PORT (an IPv6 address in brackets: [::1]:5000)';
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/**
 * Parses a registry address strictly, so that its text can become a TOML key
 * and a file name without escaping anything. The one place a host is split
 * into name and port; the rest of the action reads the parts.
 */
function parseHost(text, input, line) {
    const fail = (problem, fix) => {
        throw new InputError(input, problem, fix, line);
    };
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
    if (scheme) {
        const bare = text.slice(scheme[0].length).replace(/\/.*$/, '');
        const hint = scheme[1].toLowerCase() === 'http' ? ` and add the \`http\` option (\`${bare} http\`)` : '';
        fail(`'${text}' has a scheme`, `drop '${scheme[0]}' and write '${bare}'${hint}`);
    }
    if (text.includes('/')) {
        fail(`'${text}' has a path`, `write only ${HOST_FORM}, e.g. '${text.replace(/\/.*$/, '')}'`);
    }
    let hostname;
    let port;
    const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (bracketed) {
        hostname = bracketed[1];
        port = bracketed[2];
        if ((0,external_node_net_.isIP)(hostname) !== 6)
            fail(`'${hostname}' in brackets is not an IPv6 address`, `write ${HOST_FORM}`);
    }
    else {
        if ((0,external_node_net_.isIP)(text) === 6)
            fail(`the IPv6 address '${text}' is not in brackets`, `write '[${text}]' (with a port: '[${text}]:5000')`);
        const colon = text.lastIndexOf(':');
        hostname = colon === -1 ? text : text.slice(0, colon);
        port = colon === -1 ? undefined : text.slice(colon + 1);
        const validName = (0,external_node_net_.isIP)(hostname) === 4 || (hostname.length <= 253 && hostname.split('.').every(label => DNS_LABEL.test(label)));
        if (!validName)
            fail(`'${hostname}' is not a valid host name or address`, `write ${HOST_FORM}`);
    }
    if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
        fail(`'${port}' is not a port number`, 'use a port from 1 to 65535, or none for the default (443, or 80 with `http`)');
    }
    return { text, hostname, port: port === undefined ? undefined : Number(port) };
}

;// CONCATENATED MODULE: ./src/inputs/lines.ts
/**
 * Splits a multi-line input into its meaningful lines, keeping 1-based line
 * numbers. `#` starts a comment at the beginning of a line or after white space.
 */
function meaningfulLines(text) {
    return text
        .split(/\r?\n/)
        .map((raw, index) => ({ text: raw.replace(/(^|\s)#.*$/, '').trim(), line: index + 1 }))
        .filter(entry => entry.text !== '');
}
/**
 * The list inputs take one entry per key: this remembers the line each key
 * (a host, compared case-insensitively as DNS does) first came on, and returns
 * that line when it comes again, so the error can name both lines.
 */
function firstLineTracker() {
    const firstLines = new Map();
    return (key, line) => {
        const normalized = key.toLowerCase();
        const earlier = firstLines.get(normalized);
        if (earlier === undefined)
            firstLines.set(normalized, line);
        return earlier;
    };
}

;// CONCATENATED MODULE: ./src/inputs/credentials.ts



const FORM = 'HOST=USERNAME:PASSWORD, e.g. registry.internal:5443=ci:${{ secrets.REGISTRY_PASSWORD }}';
/**
 * Parses the `credentials` input. Errors name the line but never quote it:
 * it holds a password.
 */
function parseCredentialLines(text, input = 'credentials') {
    const firstLineOf = firstLineTracker();
    return meaningfulLines(text).map(({ text: lineText, line }) => {
        const equals = lineText.indexOf('=');
        const colon = lineText.indexOf(':', equals + 1);
        if (equals <= 0 || colon === -1)
            throw new InputError(input, 'is not HOST=USERNAME:PASSWORD (the line is not shown: it holds a password)', `write ${FORM}`, line);
        const host = parseHost(lineText.slice(0, equals), input, line).text;
        const username = lineText.slice(equals + 1, colon);
        const password = lineText.slice(colon + 1);
        if (username === '' || password === '')
            throw new InputError(input, `the ${username === '' ? 'username' : 'password'} for ${host} is empty`, `write ${FORM}`, line);
        const earlier = firstLineOf(host, line);
        if (earlier !== undefined)
            throw new InputError(input, `${host} has credentials on line ${earlier} already`, 'keep one line per registry', line);
        return { host, username, password };
    });
}
/**
 * `username`/`password` apply to every listed registry; a `credentials` line
 * for a host wins over them.
 */
function resolveCredentials(registryHosts, pair, lines) {
    const byHost = new Map(lines.map(credential => [credential.host.toLowerCase(), credential]));
    const fromPair = pair
        ? registryHosts.filter(host => !byHost.has(host.toLowerCase())).map(host => ({ host, ...pair }))
        : [];
    return [...fromPair, ...lines];
}

;// CONCATENATED MODULE: ./src/inputs/pem.ts

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/;
/** True when an input value is PEM text rather than a path to a file. */
function looksLikePem(value) {
    return value.includes('-----BEGIN ');
}
/**
 * The certificates in a PEM bundle, each parsed, so that a truncated secret or
 * a key pasted into the wrong input is caught here rather than inside BuildKit.
 * Throws a plain Error saying what is wrong; callers add the input name.
 */
function parseCertificates(pem) {
    const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
    if (blocks.length === 0) {
        throw new Error(looksLikePem(pem)
            ? 'it holds no "BEGIN CERTIFICATE" block'
            : 'it is not PEM text (no "-----BEGIN CERTIFICATE-----" line)');
    }
    return blocks.map((block, index) => {
        try {
            return new external_node_crypto_.X509Certificate(block);
        }
        catch (error) {
            throw new Error(`certificate ${index + 1} of ${blocks.length} does not parse (${error.message}); the secret may be truncated`);
        }
    });
}
/** The PEM blocks alone, one per line group, so whatever surrounds them in a secret is not written out. */
function normalizeCertificates(pem) {
    return `${parseCertificates(pem)
        .map(certificate => certificate.toString().trim())
        .join('\n')}\n`;
}
/** Parses an unencrypted private key; BuildKit cannot ask for a passphrase. */
function parsePrivateKey(pem) {
    const block = PRIVATE_KEY_BLOCK.exec(pem);
    if (!block)
        throw new Error('it is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" block)');
    if (block[1] === 'ENCRYPTED PRIVATE KEY')
        throw new Error('it is encrypted, and BuildKit cannot take a passphrase');
    try {
        return (0,external_node_crypto_.createPrivateKey)(block[0]);
    }
    catch (error) {
        throw new Error(`it does not parse (${error.message})`);
    }
}

;// CONCATENATED MODULE: ./src/inputs/pem-inputs.ts




// Inputs that hold PEM: text (usually a secret) or a path to a file. Here they
// are read, masked in the log, and checked, so a truncated secret or a key in
// the wrong input fails the step with its input name rather than inside BuildKit.
/**
 * Reads an input that holds PEM text or a path to a PEM file, masks it when
 * it is text (and a key always), and checks it. undefined when empty.
 */
function readPemInput(input, holds) {
    const value = runner/* getInput */.V4(input);
    if (value === '')
        return undefined;
    const isText = looksLikePem(value);
    if (isText)
        maskPem(value);
    const pem = isText ? value : readPemPath(input, value);
    // A key read from a file is masked too, in case a later step prints it.
    if (!isText && holds === 'key')
        maskPem(pem);
    try {
        if (holds === 'certificates')
            return normalizeCertificates(pem);
        parsePrivateKey(pem);
        return pem.trim() + '\n';
    }
    catch (error) {
        const expected = holds === 'key' ? 'an unencrypted PEM private key' : 'PEM certificate text (e.g. ${{ secrets.REGISTRY_CA }})';
        throw new InputError(input, `${isText ? 'the PEM text' : `the file '${value}'`} is not usable: ${error.message}`, `pass ${expected} or a path to such a file`);
    }
}
/** A certificate and its key from two inputs: both or neither, and the key must match. */
function readKeypairInputs(certInput, keyInput) {
    const cert = readPemInput(certInput, 'certificates');
    const key = readPemInput(keyInput, 'key');
    if (cert === undefined && key === undefined)
        return undefined;
    if (cert === undefined)
        throw new InputError(certInput, `is empty while \`${keyInput}\` is set`, `pass the certificate (PEM text or a path) with its key, or drop \`${keyInput}\``);
    if (key === undefined)
        throw new InputError(keyInput, `is empty while \`${certInput}\` is set`, `pass the private key of the certificate (PEM text or a path), or drop \`${certInput}\``);
    const [leaf] = parseCertificates(cert);
    if (!leaf.checkPrivateKey(parsePrivateKey(key))) {
        throw new InputError(keyInput, `does not belong to the certificate in \`${certInput}\``, 'pass the key that was issued with that certificate');
    }
    return { cert, key };
}
/** The CAs a `registries` line names with `ca=`, read and checked, as one PEM ('' for none). */
function readRegistryCas(registry, input = 'registries') {
    return registry.caPaths
        .map(path => {
        const text = readInputFile(input, path, 'pass the CA in `ca-cert` as PEM text (e.g. from a secret)', registry.line);
        try {
            return normalizeCertificates(text);
        }
        catch (error) {
            throw new InputError(input, `ca=${path} is not a PEM certificate: ${error.message}`, "point ca= at the PEM file of the CA that signed this registry's certificate", registry.line);
        }
    })
        .join('');
}
function readPemPath(input, value) {
    if (value.includes('\n')) {
        throw new InputError(input, 'is neither PEM text (no "-----BEGIN" line) nor a path to a file', 'pass the PEM text itself, starting with "-----BEGIN", or the path of a PEM file');
    }
    if (/^[A-Za-z0-9+/=]{40,}$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN ')) {
        throw new InputError(input, 'looks like base64-encoded PEM', 'store the PEM text itself in the secret, or decode it in an earlier step and pass the file path');
    }
    return readInputFile(input, value, 'pass the PEM text itself (e.g. from a secret)');
}
function maskPem(pem) {
    runner/* setSecret */.Pq(pem);
    // The runner masks a multi-line secret line by line only when each line is registered.
    for (const line of pem.split(/\r?\n/)) {
        if (line.trim() !== '' && !line.startsWith('-----'))
            runner/* setSecret */.Pq(line.trim());
    }
}

;// CONCATENATED MODULE: ./src/inputs/registries.ts



/** The entry as BuildKit's `mirrors` list takes it. */
function mirrorText(mirror) {
    return mirror.host.text + mirror.path;
}
const REGISTRY_OPTIONS = '`http` (plain HTTP), `insecure` (TLS without verification) or `ca=PATH`';
const MIRROR_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const DOCKER_HUB = { text: 'docker.io', hostname: 'docker.io' };
function parseRegistries(text, input = 'registries') {
    const firstLineOf = firstLineTracker();
    return meaningfulLines(text).map(({ text: lineText, line }) => {
        const [hostText, ...options] = lineText.split(/\s+/);
        const host = parseHost(hostText, input, line);
        const earlier = firstLineOf(host.text, line);
        if (earlier !== undefined) {
            throw new InputError(input, `'${host.text}' is listed again (first on line ${earlier})`, 'keep one line per registry, with all its options on it', line);
        }
        return { host, line, ...parseRegistryOptions(options, host.text, input, line) };
    });
}
function parseRegistryOptions(options, host, input, line) {
    let http = false;
    let insecure = false;
    const caPaths = [];
    for (const option of options) {
        if (option === 'http')
            http = true;
        else if (option === 'insecure')
            insecure = true;
        else if (option.startsWith('ca=') && option.length > 3)
            caPaths.push(option.slice(3));
        else if (option === 'ca' || option === 'ca=') {
            throw new InputError(input, `'${option}' has no path`, `write ca=PATH, e.g. '${host} ca=certs/${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem'`, line);
        }
        else if (option === 'https' || option === 'tls') {
            throw new InputError(input, `unknown option '${option}'`, `drop it: a registry line with no option is TLS, verified against the system roots and \`ca-cert\``, line);
        }
        else {
            throw new InputError(input, `unknown option '${option}'`, `use ${REGISTRY_OPTIONS}`, line);
        }
    }
    if (http && insecure) {
        throw new InputError(input, '`http` and `insecure` together', '`http` is plain HTTP with no TLS at all; `insecure` is TLS without certificate checks: keep the one the registry speaks', line);
    }
    if (http && caPaths.length > 0) {
        throw new InputError(input, '`http` with `ca=`', 'a plain-HTTP registry uses no certificate: drop `ca=`, or drop `http` if the registry speaks TLS', line);
    }
    return { transport: http ? 'http' : insecure ? 'insecure' : 'tls', caPaths };
}
function parseMirrors(text, input = 'mirror') {
    const firstLineOf = firstLineTracker();
    return meaningfulLines(text).map(({ text: lineText, line }) => {
        if (/\s/.test(lineText)) {
            throw new InputError(input, `'${lineText}' has spaces`, 'write one MIRROR, or UPSTREAM=MIRROR[,MIRROR...] with no spaces, per line', line);
        }
        const equals = lineText.indexOf('=');
        const upstream = equals === -1 ? DOCKER_HUB : parseHost(lineText.slice(0, equals), input, line);
        const list = equals === -1 ? lineText : lineText.slice(equals + 1);
        if (list === '' || list.split(',').some(entry => entry === '')) {
            throw new InputError(input, `'${lineText}' has an empty mirror`, 'write UPSTREAM=MIRROR[,MIRROR...], e.g. ghcr.io=mirror.example.com:5000', line);
        }
        const mirrors = list.split(',').map(entry => parseMirror(entry, input, line));
        for (const mirror of mirrors) {
            const earlier = firstLineOf(`${upstream.text} ${mirrorText(mirror)}`, line);
            if (earlier !== undefined) {
                throw new InputError(input, `mirror '${mirrorText(mirror)}' for ${upstream.text} is listed again (first on line ${earlier})`, 'list each mirror once', line);
            }
        }
        return { upstream, mirrors, line };
    });
}
function parseMirror(entry, input, line) {
    // parseHost of the whole entry reports a scheme with its fix; the host part is then checked alone.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry))
        parseHost(entry, input, line);
    const slash = entry.indexOf('/');
    const host = parseHost(slash === -1 ? entry : entry.slice(0, slash), input, line);
    const path = slash === -1 ? '' : entry.slice(slash);
    if (path !== '' && !MIRROR_PATH.test(path)) {
        throw new InputError(input, `'${path}' is not a valid mirror path`, 'write MIRROR as host[:port] or host[:port]/path with letters, digits, dots, dashes and underscores', line);
    }
    return { host, path };
}

;// CONCATENATED MODULE: ./src/inputs/read-inputs.ts










/** As docker/setup-buildx-action: lets `docker buildx build --network host` and `--allow security.insecure` work. */
const DEFAULT_BUILDKITD_FLAGS = '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host';
/**
 * Reads and validates every input before anything is written, so bad input
 * never leaves a half-made builder behind. With pem-inputs.ts and
 * base-config.ts, the only caller of runner.getInput.
 */
function readInputs() {
    const registries = parseRegistries(runner/* getInput */.V4('registries')).map(registry => ({
        ...registry,
        ownCa: readRegistryCas(registry)
    }));
    const driver = readDriver();
    const mirrors = parseMirrors(runner/* getInput */.V4('mirror'));
    const config = {
        registries,
        mirrors,
        caCert: readPemInput('ca-cert', 'certificates'),
        clientKeypair: readKeypairInputs('client-cert', 'client-key'),
        maxParallelism: readMaxParallelism(),
        debug: booleanInput('debug', false),
        baseConfig: readBaseConfig()
    };
    const builder = {
        name: readName(),
        driver,
        driverOpts: runner/* getMultilineInput */.q3('driver-opts')
            .map(line => line.trim())
            .filter(line => line !== '' && !line.startsWith('#')),
        buildkitdFlags: runner/* getInput */.V4('buildkitd-flags', { trimWhitespace: true }) || DEFAULT_BUILDKITD_FLAGS,
        endpoint: runner/* getInput */.V4('endpoint'),
        use: booleanInput('use', true),
        bootstrap: booleanInput('bootstrap', true),
        cleanup: booleanInput('cleanup', true),
        replace: booleanInput('replace', true),
        buildxVersion: readBuildxVersion(),
        endpointTls: readEndpointTls(driver)
    };
    const preflight = { mode: readPreflightMode(), timeoutSeconds: readPreflightTimeout() };
    const host = {
        installConfig: readInstallConfig(),
        credentials: readCredentials(credentialHosts(registries, mirrors)),
        daemonTrust: readDaemonTrust()
    };
    return { config, builder, preflight, host };
}
/**
 * The generated builder name: unique per job run, and random at the end
 * because matrix legs share run id, job and attempt, and self-hosted runners
 * that share one Docker daemon share its container names.
 */
function defaultBuilderName(env, random = (0,external_node_crypto_.randomBytes)(4).toString('hex')) {
    const parts = [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT, env.GITHUB_JOB]
        .filter((part) => !!part)
        .map(part => part
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, ''))
        .filter(part => part !== '');
    return ['buildkit', ...parts, random].join('-');
}
function readName() {
    const name = runner/* getInput */.V4('name');
    if (name === '')
        return defaultBuilderName(process.env);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
        throw new InputError('name', `'${name}' is not a valid builder name`, 'use letters, digits, `-`, `_` and `.`, starting with a letter or digit; or leave it empty for a generated name');
    }
    return name;
}
function readDriver() {
    const driver = runner/* getInput */.V4('driver') || 'docker-container';
    if (driver === 'docker') {
        throw new InputError('driver', "the `docker` driver uses the Docker daemon's built-in BuildKit, which cannot take a buildkitd.toml (`--config`)", 'use `docker-container` (the default); to make the Docker daemon itself trust a registry, configure `insecure-registries` or certs.d on the daemon');
    }
    return driver;
}
/** The YAML 1.2 booleans that runner.getBooleanInput takes; undefined for anything else. */
function parseBoolean(value) {
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    return undefined;
}
function booleanInput(name, fallback) {
    const value = runner/* getInput */.V4(name);
    if (value === '')
        return fallback;
    const parsed = parseBoolean(value);
    if (parsed === undefined)
        throw new InputError(name, `'${value}' is not a boolean`, 'write true or false');
    return parsed;
}
function readMaxParallelism() {
    const value = runner/* getInput */.V4('max-parallelism');
    if (value === '')
        return undefined;
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        throw new InputError('max-parallelism', `'${value}' is not a positive whole number`, 'write how many build steps BuildKit may run at once, e.g. 4, or leave it empty for no limit');
    }
    return Number(value);
}
function readPreflightMode() {
    const value = runner/* getInput */.V4('preflight') || 'warn';
    if (value === 'error' || value === 'warn' || value === 'off')
        return value;
    throw new InputError('preflight', `'${value}' is not a preflight mode`, 'write `error` (fail the step), `warn` (annotate and go on) or `off`');
}
function readPreflightTimeout() {
    const value = runner/* getInput */.V4('preflight-timeout') || '5';
    const seconds = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || seconds <= 0 || seconds > 300) {
        throw new InputError('preflight-timeout', `'${value}' is not a number of seconds from 0 to 300`, 'write how long each registry may take to answer, e.g. 5');
    }
    return seconds;
}
function readEndpointTls(driver) {
    const ca = readPemInput('endpoint-ca-cert', 'certificates');
    const keypair = readKeypairInputs('endpoint-client-cert', 'endpoint-client-key');
    if (ca === undefined && keypair === undefined)
        return undefined;
    if (driver !== 'remote') {
        const input = ca !== undefined ? 'endpoint-ca-cert' : 'endpoint-client-cert';
        throw new InputError(input, "is for the `remote` driver's TLS connection to its buildkitd", 'set `driver: remote` with `endpoint: tcp://HOST:PORT`, or drop it (registry TLS goes in `ca-cert`, `client-cert` and `client-key`)');
    }
    return { ca, keypair };
}
/**
 * The hosts `username`/`password` apply to: every registry, then every mirror not listed, since
 * BuildKit asks for the credentials of the host that answers, which for a pull is the mirror.
 */
function credentialHosts(registries, mirrors) {
    const hosts = registries.map(registry => registry.host.text);
    for (const { host } of mirrors.flatMap(line => line.mirrors)) {
        if (!hosts.some(known => known.toLowerCase() === host.text.toLowerCase()))
            hosts.push(host.text);
    }
    return hosts;
}
function readCredentials(registryHosts) {
    const username = runner/* getInput */.V4('username');
    const password = runner/* getInput */.V4('password');
    if (password !== '')
        runner/* setSecret */.Pq(password);
    if ((username === '') !== (password === '')) {
        const [missing, given] = username === '' ? ['username', 'password'] : ['password', 'username'];
        throw new InputError(missing, `is empty while \`${given}\` is set`, 'set both, or use `credentials` (HOST=USERNAME:PASSWORD per line)');
    }
    if (username !== '' && registryHosts.length === 0) {
        throw new InputError('username', 'applies to the registries in `registries` and the mirrors in `mirror`, and none is listed', 'list the registry in `registries`, or use `credentials` (HOST=USERNAME:PASSWORD per line)');
    }
    const lines = parseCredentialLines(runner/* getInput */.V4('credentials'));
    const credentials = resolveCredentials(registryHosts, username === '' ? undefined : { username, password }, lines);
    // The runner masks only what it is told: the passwords, and the base64 form docker stores.
    for (const credential of credentials) {
        runner/* setSecret */.Pq(credential.password);
        runner/* setSecret */.Pq((0,model/* basicAuth */.tB)(credential));
    }
    return credentials;
}
function readDaemonTrust() {
    const value = runner/* getInput */.V4('trust-docker-daemon') || 'false';
    if (value === 'restart')
        return 'restart';
    const parsed = parseBoolean(value);
    if (parsed !== undefined)
        return parsed ? 'certs' : 'off';
    throw new InputError('trust-docker-daemon', `'${value}' is not true, false or restart`, 'write true (certs.d for TLS registries), restart (also insecure-registries for HTTP ones, reloading the daemon) or false');
}
function readInstallConfig() {
    const value = runner/* getInput */.V4('install-config');
    const parsed = value === '' ? false : parseBoolean(value);
    if (parsed === false)
        return '';
    if (parsed === true)
        return (0,paths/* buildkitdConfigPath */.oy)(process.getuid?.() ?? -1, process.env);
    if (!(0,external_node_path_.isAbsolute)(value))
        throw new InputError('install-config', `'${value}' is neither true/false nor an absolute path`, 'write true (the default buildkitd config location), false, or an absolute path such as /etc/buildkit/buildkitd.toml');
    return value;
}
function readBuildxVersion() {
    const value = runner/* getInput */.V4('buildx-version');
    if (value === '' || value === 'latest' || /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value))
        return value;
    throw new InputError('buildx-version', `'${value}' is not a buildx release`, 'write a release tag such as v0.19.3, or `latest`, or leave it empty to use the installed buildx');
}

// EXTERNAL MODULE: ./src/plan/client-trust.ts
var client_trust = __webpack_require__(7095);
;// CONCATENATED MODULE: ./src/plan/buildkitd-toml.ts

/**
 * Merges the generated sections into the user's base config. Tables merge key
 * by key; any other value the action generates replaces the base value, and
 * the replaced key is reported so the user is not surprised.
 */
function mergeConfig(base, generated) {
    const overridden = [];
    const table = mergeTables(base ?? {}, generated, [], overridden);
    return { table, overridden };
}
function toToml(table) {
    return (0,dist/* stringify */.As)(table);
}
function mergeTables(base, generated, path, overridden) {
    const merged = { ...base };
    for (const [key, value] of Object.entries(generated)) {
        const existing = base[key];
        if (isTable(existing) && isTable(value)) {
            merged[key] = mergeTables(existing, value, [...path, key], overridden);
        }
        else {
            if (existing !== undefined)
                overridden.push(dottedKey([...path, key]));
            merged[key] = value;
        }
    }
    return merged;
}
function isTable(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
/** A key path as TOML writes it: `registry."myhost:5000".http`. */
function dottedKey(path) {
    return path.map(part => (/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part))).join('.');
}

;// CONCATENATED MODULE: ./src/plan/create-args.ts


/**
 * The `docker buildx create` arguments, and the decisions taken on the user's
 * behalf (for the log). `hosts` are every registry and mirror, for the network.
 */
function buildxCreateArgs(builder, configPath, endpointOpts, hosts) {
    const notes = [];
    const driverOpts = [...builder.driverOpts, ...endpointOpts];
    const loopback = hosts.filter(model/* isLoopback */.U9).map(host => host.text);
    const networkSet = driverOpts.some(opt => opt.startsWith('network='));
    if (builder.driver === 'docker-container' && loopback.length > 0 && !networkSet) {
        driverOpts.push('network=host');
        notes.push(`${loopback.join(', ')} ${loopback.length === 1 ? 'is' : 'are'} on this machine's loopback, which a builder container cannot reach on its own network: adding --driver-opt network=host (set \`network=\` in \`driver-opts\` to choose otherwise)`);
    }
    const args = ['buildx', 'create', '--name', builder.name, '--driver', builder.driver];
    // The remote driver connects to a buildkitd someone else started: buildx refuses a config
    // ("setting config file is not supported for remote driver") and has no flags to pass.
    if (builder.driver === 'remote') {
        notes.push(`The remote driver cannot take a config: start your buildkitd with \`--config ${configPath}\` and the directory ${(0,external_node_path_.dirname)(configPath)} mounted at the same path (output \`config-dir\`).`);
    }
    else {
        args.push('--config', configPath);
    }
    for (const opt of driverOpts)
        args.push('--driver-opt', opt);
    if (builder.buildkitdFlags !== '' && builder.driver !== 'remote')
        args.push('--buildkitd-flags', builder.buildkitdFlags);
    if (builder.bootstrap)
        args.push('--bootstrap');
    if (builder.use)
        args.push('--use');
    if (builder.endpoint !== '')
        args.push(builder.endpoint);
    return { args, notes };
}

// EXTERNAL MODULE: ./src/plan/tls-files.ts
var tls_files = __webpack_require__(6556);
;// CONCATENATED MODULE: ./src/plan/plan.ts







/** Builds the plan from validated inputs; `dir` is the job's private directory. Pure. */
function buildPlan(inputs, dir) {
    const { config } = inputs;
    const configPath = (0,external_node_path_.join)(dir, 'buildkitd.toml');
    const certsDir = (0,external_node_path_.join)(dir, 'certs');
    const files = [];
    const sections = {};
    const registries = [];
    for (const endpoint of endpointsToConfigure(config)) {
        const hostDir = (0,external_node_path_.join)(certsDir, fileNameForHost(endpoint.host.text));
        const section = {};
        // BuildKit contacts a host:port it has no `http` setting for over plain HTTP
        // in some versions, so every TLS registry says `http = false` explicitly.
        section.http = endpoint.transport === 'http';
        if (endpoint.transport === 'insecure')
            section.insecure = true;
        // A plain-HTTP registry gets no certificate of any kind.
        const ca = endpoint.transport === 'http' ? '' : (config.caCert ?? '') + endpoint.ownCa;
        const keypair = endpoint.transport === 'http' ? undefined : config.clientKeypair;
        const paths = { ca: (0,external_node_path_.join)(hostDir, 'ca.pem'), cert: (0,external_node_path_.join)(hostDir, 'client.cert'), key: (0,external_node_path_.join)(hostDir, 'client.key') };
        files.push(...(0,tls_files/* tlsFiles */.t)(paths, ca, keypair));
        if (ca !== '')
            section.ca = [paths.ca];
        if (keypair)
            section.keypair = [{ key: paths.key, cert: paths.cert }];
        const mode = keypair && endpoint.transport === 'tls' ? 'mtls' : endpoint.transport;
        sections[endpoint.host.text] = section;
        registries.push({
            host: endpoint.host,
            transport: endpoint.transport,
            mode,
            source: endpoint.source,
            line: endpoint.line,
            written: Object.keys(section),
            ca,
            keypair
        });
    }
    for (const { upstream, mirrors } of config.mirrors) {
        const section = (sections[upstream.text] ??= {});
        section.mirrors = [...(section.mirrors ?? []), ...mirrors.map(mirrorText)];
    }
    const generated = {};
    if (config.debug)
        generated.debug = true;
    if (config.maxParallelism !== undefined) {
        // Only one worker runs in a builder; setting both keeps the limit whichever it is.
        generated.worker = {
            oci: { 'max-parallelism': config.maxParallelism },
            containerd: { 'max-parallelism': config.maxParallelism }
        };
    }
    if (Object.keys(sections).length > 0)
        generated.registry = sections;
    const merged = mergeConfig(config.baseConfig?.table, generated);
    const toml = toToml(merged.table);
    files.unshift({ path: configPath, content: toml, mode: model/* PUBLIC_FILE_MODE */.tF });
    // The remote driver's TLS to its endpoint (`endpoint-*` inputs), passed as driver options.
    const endpointDir = (0,external_node_path_.join)(dir, 'endpoint');
    const endpointPaths = {
        ca: (0,external_node_path_.join)(endpointDir, 'ca.pem'),
        cert: (0,external_node_path_.join)(endpointDir, 'cert.pem'),
        key: (0,external_node_path_.join)(endpointDir, 'key.pem')
    };
    const endpointTls = inputs.builder.endpointTls;
    files.push(...(0,tls_files/* tlsFiles */.t)(endpointPaths, endpointTls?.ca, endpointTls?.keypair));
    const endpointOpts = [
        ...(endpointTls?.ca ? [`cacert=${endpointPaths.ca}`] : []),
        ...(endpointTls?.keypair ? [`cert=${endpointPaths.cert}`, `key=${endpointPaths.key}`] : [])
    ];
    const hosts = [
        ...config.registries.map(registry => registry.host),
        ...config.mirrors.flatMap(line => line.mirrors.map(mirror => mirror.host))
    ];
    const { args: createArgs, notes } = buildxCreateArgs(inputs.builder, configPath, endpointOpts, hosts);
    return {
        dir,
        configPath,
        certsDir,
        toml,
        files,
        registries,
        createArgs,
        overridden: merged.overridden,
        notes,
        clientTrust: (0,client_trust/* planClientTrust */.Vw)(registries, dir)
    };
}
/**
 * Every host that needs a [registry."host"] section: the listed registries,
 * then mirrors not listed there, which are TLS registries like any other line
 * with no option (so they get `ca-cert` and the keypair too).
 */
function endpointsToConfigure(config) {
    const endpoints = config.registries.map(registry => ({ ...registry, source: 'registries' }));
    const listed = new Set(config.registries.map(registry => registry.host.text.toLowerCase()));
    for (const { mirrors, line } of config.mirrors) {
        for (const { host } of mirrors) {
            if (listed.has(host.text.toLowerCase()))
                continue;
            listed.add(host.text.toLowerCase());
            endpoints.push({ host, transport: 'tls', ownCa: '', source: 'mirror', line });
        }
    }
    return endpoints;
}
/**
 * A directory name for a host that cannot escape certsDir: hosts are already
 * validated, and `:`, `[` and `]` (which no host name contains) become `_`.
 */
function fileNameForHost(host) {
    return host.replace(/[^A-Za-z0-9.-]/g, '_');
}

// EXTERNAL MODULE: ./src/steps/state.ts
var state = __webpack_require__(6062);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/steps/summary.ts


/**
 * The job summary: one row per registry and mirror, with what was written for
 * it and what preflight found, so the run page shows the setup at a glance.
 * The same HTML as @actions/core's summary builder writes.
 */
function writeSummary(plan, builderName, results, notes) {
    const byHost = new Map(results?.map(result => [result.host, result]));
    const rows = plan.registries.map(registry => {
        const result = byHost.get(registry.host.text);
        const verdict = !result ? 'not checked (`preflight: off`)' : `${result.ok ? '✅' : '❌'} ${result.message}`;
        // An empty cell would come out as a bare <td>: show a dash instead.
        return [registry.host.text, registry.mode, registry.written.join(', '), verdict, result?.fix || '—'].map(toHtml);
    });
    const parts = [`<h3>BuildKit builder ${builderName}</h3>`];
    if (rows.length > 0) {
        const header = ['registry', 'mode', 'written', 'preflight', 'fix'].map(name => `<th>${name}</th>`).join('');
        parts.push(`<table><tr>${header}</tr>${rows.map(row => `<tr>${row.map(cell => `<td>${cell}</td>`).join('')}</tr>`).join('')}</table>`);
    }
    else {
        parts.push('No registries or mirrors configured.');
    }
    if (notes.length > 0)
        parts.push(`<ul>${notes.map(note => `<li>${toHtml(note)}</li>`).join('')}</ul>`);
    parts.push(`<details><summary>buildkitd.toml</summary>\n\n\`\`\`toml\n${plan.toml}\`\`\`\n\n</details>`);
    runner/* appendSummary */.fe(parts.map(part => part + external_node_os_.EOL).join(''));
}
/** Table cells are HTML, where Markdown is not rendered: escape, and turn `code` into <code>. */
function toHtml(text) {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return escaped.replace(/`([^`]+)`/g, '<code>$1</code>');
}

;// CONCATENATED MODULE: ./src/steps/main.ts












/**
 * inputs → plan → preflight → checks (daemon access, buildx) → files → builder
 * → daemon trust, credentials → outputs. Every failure ends in one setFailed.
 * Modules a run does not need (preflight, buildx install, daemon trust,
 * credentials, install-config) are not loaded.
 */
async function runMain() {
    (0,state/* markMainStarted */.UM)();
    const undo = new state/* UndoLog */.b6();
    try {
        const inputs = readInputs();
        const { builder, host } = inputs;
        const dir = await (0,files/* createJobDir */.XG)((0,paths/* runnerTempDir */.cl)(process.env));
        undo.add({ jobDir: dir });
        let plan;
        let preflight;
        let daemon;
        let roots;
        try {
            plan = buildPlan(inputs, dir);
            report(plan, inputs.config.baseConfig?.input);
            // Read before anything is written: preflight fetches tokens with the trust later steps will have.
            roots = plan.clientTrust ? (await __webpack_require__.e(/* import() */ 399).then(__webpack_require__.bind(__webpack_require__, 1780))).readRunnerRoots(process.env) : undefined;
            preflight = await startPreflight(plan, inputs, roots);
            // `error` mode stops here, before anything is written; `warn` lets the probes run while the builder boots.
            if (inputs.preflight.mode === 'error')
                await preflight?.settle();
            daemon = await openDaemonAccessIfAsked(host);
            await ensureBuildx(builder.buildxVersion);
            await (0,files/* writePlannedFiles */.jz)(plan.files);
            await createReplacingLeftover(plan.createArgs, builder.name, builder.replace);
        }
        catch (error) {
            // A failed create is often what preflight explains: show its findings too.
            await preflight?.settle().catch(() => undefined);
            // Nothing half-made stays behind: the post step would find nothing to undo.
            await (0,files/* removeJobDir */.$Q)(dir);
            undo.add({ jobDir: undefined });
            throw error;
        }
        undo.add({ builder: { name: builder.name, removeInPost: builder.cleanup } });
        const platforms = builder.bootstrap
            ? (0,buildx/* bootedPlatforms */.At)(builder.name, builder.driver, builder.endpoint)
            : Promise.resolve([]);
        // Awaited below; a failure meanwhile must not count as unhandled (which ends node at once).
        platforms.catch(() => undefined);
        const results = await preflight?.settle();
        const notes = await changeHost(plan, host, daemon, undo, roots, results);
        runner/* setOutput */.uH('name', builder.name);
        runner/* setOutput */.uH('driver', builder.driver);
        runner/* setOutput */.uH('config', plan.configPath);
        runner/* setOutput */.uH('certs-dir', plan.certsDir);
        runner/* setOutput */.uH('config-dir', plan.dir);
        runner/* setOutput */.uH('platforms', (await platforms).join(','));
        writeSummary(plan, builder.name, results, notes);
        runner/* info */.pq(`Builder ${builder.name} is ready${builder.use ? ' and is now the default for docker buildx' : ''}.`);
    }
    catch (error) {
        runner/* setFailed */.C1(error instanceof Error ? error.message : String(error));
    }
}
/** Starts the probes the inputs ask for; the preflight code is loaded only then. */
async function startPreflight(plan, inputs, roots) {
    const { mode, timeoutSeconds } = inputs.preflight;
    if (mode === 'off' || plan.registries.length === 0)
        return undefined;
    const { enforcePreflight, reportPreflight, runPreflight } = await __webpack_require__.e(/* import() */ 513).then(__webpack_require__.bind(__webpack_require__, 8513));
    const probes = runPreflight(plan.registries, timeoutSeconds, {
        credentials: await loginCredentials(plan, inputs.host.credentials),
        tokenTrust: new Map(plan.registries.map(registry => [registry.host.text, (0,client_trust/* tokenTrustFor */.Ff)(registry, plan.clientTrust, roots)]))
    });
    let settled;
    const settle = async () => {
        const results = await probes;
        reportPreflight(results);
        runner/* setOutput */.uH('preflight', JSON.stringify(results));
        // Stopping here still shows the table on the run page.
        if (mode === 'error' && results.some(result => !result.ok))
            writeSummary(plan, inputs.builder.name, results, []);
        enforcePreflight(results, mode);
        return results;
    };
    return { settle: () => (settled ??= settle()) };
}
/**
 * What a build will log in with: the inputs' credentials, else what an earlier login stored in the
 * Docker client config (masked here too: preflight sends them, it never prints them).
 */
async function loginCredentials(plan, credentials) {
    const given = new Set(credentials.map(credential => credential.host.toLowerCase()));
    const others = plan.registries.map(registry => registry.host.text).filter(host => !given.has(host.toLowerCase()));
    const { storedCredentials } = await __webpack_require__.e(/* import() */ 0).then(__webpack_require__.bind(__webpack_require__, 8000));
    const stored = others.length > 0 ? storedCredentials((0,paths/* dockerConfigFile */.dO)(process.env), others) : [];
    for (const credential of stored)
        runner/* setSecret */.Pq(credential.password);
    return [
        ...credentials.map(credential => ({
            ...credential,
            from: `\`username\`/\`password\` or the \`credentials\` line for ${credential.host}`
        })),
        ...stored.map(credential => ({ ...credential, from: (0,paths/* dockerConfigFile */.dO)(process.env) }))
    ];
}
/** Before anything is written: `trust-docker-daemon` without root or sudo fails the step here. */
async function openDaemonAccessIfAsked(host) {
    if (host.daemonTrust === 'off')
        return undefined;
    const { openDaemonAccess } = await __webpack_require__.e(/* import() */ 756).then(__webpack_require__.bind(__webpack_require__, 4375));
    return openDaemonAccess();
}
/** The machine beyond the builder, as the inputs ask, each recorded for post before it changes. Returns notes for the summary. */
async function changeHost(plan, host, daemon, undo, roots, results) {
    if (host.installConfig !== '')
        await installForSelfHostedBuildkitd(plan, host.installConfig, undo);
    const notes = [];
    if (daemon && host.daemonTrust !== 'off') {
        const { trustDaemon } = await __webpack_require__.e(/* import() */ 756).then(__webpack_require__.bind(__webpack_require__, 4375));
        const { realmRegistries } = await __webpack_require__.e(/* import() */ 280).then(__webpack_require__.bind(__webpack_require__, 4280));
        // The daemon fetches tokens too: the realms preflight found get certs.d entries as well.
        const realms = realmRegistries(plan.registries, results ?? []);
        if (!results && plan.registries.some(registry => registry.transport === 'tls'))
            runner/* info */.pq('Docker daemon: with `preflight: off` no token realms were looked up; only the registries are trusted.');
        notes.push(...(await trustDaemon(daemon, host.daemonTrust, [...plan.registries, ...realms], plan.dir, record => undo.add({ daemonTrust: record }))));
    }
    for (const note of notes)
        runner/* warning */.$e(note, { title: 'Docker daemon trust' });
    if (host.credentials.length > 0)
        await writeCredentials(host.credentials, plan.dir, undo);
    if (plan.clientTrust) {
        const { installClientTrust } = await __webpack_require__.e(/* import() */ 399).then(__webpack_require__.bind(__webpack_require__, 1780));
        await installClientTrust(plan.clientTrust, roots, process.env, record => undo.add({ clientTrust: record }));
    }
    return notes;
}
function report(plan, baseConfigInput) {
    for (const note of plan.notes)
        runner/* info */.pq(note);
    for (const key of plan.overridden) {
        runner/* warning */.$e(`\`${baseConfigInput}\` sets ${key}; the action's inputs replace it.`);
    }
    for (const registry of plan.registries) {
        const origin = registry.source === 'mirror' ? ' (a mirror not listed in `registries`: TLS, verified)' : '';
        runner/* info */.pq(`${registry.host.text}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`);
    }
    // The file holds paths and settings only, never certificate or key contents.
    runner/* startGroup */.Oh(`buildkitd.toml (${plan.configPath})`);
    runner/* info */.pq(plan.toml);
    runner/* endGroup */.N4();
}
/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials, jobDir, undo) {
    const { addAuths } = await __webpack_require__.e(/* import() */ 112).then(__webpack_require__.bind(__webpack_require__, 1731));
    const path = (0,paths/* dockerConfigFile */.dO)(process.env);
    const { added, servedByHelpers } = await addAuths(credentials, path, (0,external_node_path_.join)(jobDir, 'docker-config.json.backup'), added => {
        for (const entry of added.entries)
            if (entry.prior !== '')
                runner/* setSecret */.Pq(entry.prior);
        undo.add({ addedAuths: added });
    });
    runner/* info */.pq(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`);
    if (servedByHelpers.length > 0) {
        runner/* warning */.$e(`${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will not read the credentials written there: log in with docker/login-action instead.`);
    }
}
/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan, path, undo) {
    const { installConfigFile } = await __webpack_require__.e(/* import() */ 244).then(__webpack_require__.bind(__webpack_require__, 9863));
    const installed = await installConfigFile(plan.toml, path, plan.dir, record => undo.add({ installedConfig: record }));
    const replaced = installed.before ? ' (the file that was there is restored by the post step)' : '';
    runner/* info */.pq(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`);
}


/***/ })

};
