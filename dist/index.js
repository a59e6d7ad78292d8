import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 8253:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  pL: () => (/* binding */ CANCELLED_EXIT_CODE),
  Qd: () => (/* binding */ CommandError),
  d1: () => (/* binding */ runCommand),
  mB: () => (/* binding */ stopAllCommands),
  HQ: () => (/* binding */ tryCommand)
});

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

/***/ 9450:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ parseHost)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _input_error_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9354);


const HOST_FORM = 'HOST or HOST:PORT (an IPv6 address in brackets: [::1]:5000)';
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/**
 * Parses a registry address strictly, so that its text can become a TOML key
 * and a file name without escaping anything. The one place a host is split
 * into name and port; the rest of the action reads the parts.
 */
function parseHost(text, input, line) {
    const fail = (problem, fix) => {
        throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, problem, fix, line);
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
        if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(hostname) !== 6)
            fail(`'${hostname}' in brackets is not an IPv6 address`, `write ${HOST_FORM}`);
    }
    else {
        if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(text) === 6)
            fail(`the IPv6 address '${text}' is not in brackets`, `write '[${text}]' (with a port: '[${text}]:5000')`);
        const colon = text.lastIndexOf(':');
        hostname = colon === -1 ? text : text.slice(0, colon);
        port = colon === -1 ? undefined : text.slice(colon + 1);
        const validName = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(hostname) === 4 || (hostname.length <= 253 && hostname.split('.').every(label => DNS_LABEL.test(label)));
        if (!validName)
            fail(`'${hostname}' is not a valid host name or address`, `write ${HOST_FORM}`);
    }
    if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
        fail(`'${port}' is not a port number`, 'use a port from 1 to 65535, or none for the default (443, or 80 with `http`)');
    }
    return { text, hostname, port: port === undefined ? undefined : Number(port) };
}


/***/ }),

/***/ 9354:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ InputError)
/* harmony export */ });
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


/***/ }),

/***/ 5010:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ meaningfulLines),
/* harmony export */   h: () => (/* binding */ firstLineTracker)
/* harmony export */ });
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


/***/ }),

/***/ 6717:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Ji: () => (/* binding */ DEFAULT_BUILDKITD_FLAGS),
  Ko: () => (/* binding */ readInputs)
});

// UNUSED EXPORTS: defaultBuilderName

// EXTERNAL MODULE: ./src/runner.ts
var runner = __nccwpck_require__(4813);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./src/model.ts
var model = __nccwpck_require__(182);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __nccwpck_require__(8431);
// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __nccwpck_require__(3292);
// EXTERNAL MODULE: ./src/inputs/input-error.ts
var input_error = __nccwpck_require__(9354);
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
        throw new input_error/* InputError */.d(input, `the file '${path}' ${why} (relative paths start at ${process.cwd()})`, `check the path, or ${orInstead}`, line);
    }
}

;// CONCATENATED MODULE: ./src/inputs/base-config.ts




/** The buildkitd.toml to start from: a file, inline text, or none. */
function readBaseConfig() {
    // v3 of docker/setup-buildx-action still takes the old names; as there, the new name wins.
    const pathInput = runner/* getInput */.V4('buildkitd-config') === '' && runner/* getInput */.V4('config') !== '' ? 'config' : 'buildkitd-config';
    const inlineInput = runner/* getInput */.V4('buildkitd-config-inline') === '' && runner/* getInput */.V4('config-inline') !== ''
        ? 'config-inline'
        : 'buildkitd-config-inline';
    const path = runner/* getInput */.V4(pathInput);
    const inline = runner/* getInput */.V4(inlineInput, { trimWhitespace: false });
    if (path !== '' && inline.trim() !== '') {
        throw new input_error/* InputError */.d(inlineInput, `is set together with \`${pathInput}\``, 'keep one of them: a path to a TOML file, or the TOML text inline');
    }
    if (path !== '') {
        const text = readInputFile(pathInput, path, 'give the TOML text in `buildkitd-config-inline`');
        return { table: parseBaseConfig(pathInput, text), input: pathInput };
    }
    if (inline.trim() !== '')
        return { table: parseBaseConfig(inlineInput, inline), input: inlineInput };
    return undefined;
}
function parseBaseConfig(input, text) {
    try {
        return (0,dist/* parse */.qg)(text);
    }
    catch (error) {
        if (error instanceof dist/* TomlError */.zx) {
            const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
            throw new input_error/* InputError */.d(input, `invalid TOML: ${reason}`, `correct the TOML at line ${error.line}, column ${error.column}`, error.line);
        }
        throw error;
    }
}

// EXTERNAL MODULE: ./src/inputs/hosts.ts
var hosts = __nccwpck_require__(9450);
// EXTERNAL MODULE: ./src/inputs/lines.ts
var lines = __nccwpck_require__(5010);
;// CONCATENATED MODULE: ./src/inputs/credentials.ts



const FORM = 'HOST=USERNAME:PASSWORD, e.g. registry.internal:5443=ci:${{ secrets.REGISTRY_PASSWORD }}';
/**
 * Parses the `credentials` input. Errors name the line but never quote it:
 * it holds a password.
 */
function parseCredentialLines(text, input = 'credentials') {
    const firstLineOf = (0,lines/* firstLineTracker */.h)();
    return (0,lines/* meaningfulLines */.K)(text).map(({ text: lineText, line }) => {
        const equals = lineText.indexOf('=');
        const colon = lineText.indexOf(':', equals + 1);
        if (equals <= 0 || colon === -1)
            throw new input_error/* InputError */.d(input, 'is not HOST=USERNAME:PASSWORD (the line is not shown: it holds a password)', `write ${FORM}`, line);
        const host = (0,hosts/* parseHost */.o)(lineText.slice(0, equals), input, line).text;
        const username = lineText.slice(equals + 1, colon);
        const password = lineText.slice(colon + 1);
        if (username === '' || password === '')
            throw new input_error/* InputError */.d(input, `the ${username === '' ? 'username' : 'password'} for ${host} is empty`, `write ${FORM}`, line);
        const earlier = firstLineOf(host, line);
        if (earlier !== undefined)
            throw new input_error/* InputError */.d(input, `${host} has credentials on line ${earlier} already`, 'keep one line per registry', line);
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

;// CONCATENATED MODULE: ./src/inputs/csv-list.ts
/**
 * A list input as docker/setup-buildx-action reads `platforms`: @docker/actions-toolkit's
 * Util.getList, which runs csv-parse (relaxQuotes, relaxColumnCount, skipEmptyLines) and then
 * splits every one-field record on commas again. So entries are separated by commas or newlines;
 * a double quote opens a quoted field only as a field's first character (`""` inside is a quote),
 * elsewhere it is kept as written. Written out here, not csv-parse, for this one input.
 */
function parseCsvList(text) {
    const records = [];
    let record = [];
    let field = '';
    let quoted = false;
    let inQuotes = false;
    const endField = () => {
        record.push(field);
        field = '';
        quoted = false;
    };
    const endRecord = () => {
        endField();
        // skipEmptyLines: a line with nothing on it is no record.
        if (!(record.length === 1 && record[0] === ''))
            records.push(record);
        record = [];
    };
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (inQuotes) {
            if (char === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            }
            else if (char === '"') {
                inQuotes = false;
            }
            else {
                field += char;
            }
        }
        else if (char === '"' && field === '' && !quoted) {
            inQuotes = true;
            quoted = true;
        }
        else if (char === ',') {
            endField();
        }
        else if (char === '\n' || char === '\r') {
            if (char === '\r' && text[i + 1] === '\n')
                i++;
            endRecord();
        }
        else {
            field += char;
        }
    }
    if (field !== '' || record.length > 0 || quoted)
        endRecord();
    return records
        .flatMap(fields => (fields.length === 1 ? fields[0].split(',') : fields))
        .map(entry => entry.trim())
        .filter(entry => entry !== '');
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
        throw new input_error/* InputError */.d(input, `${isText ? 'the PEM text' : `the file '${value}'`} is not usable: ${error.message}`, `pass ${expected} or a path to such a file`);
    }
}
/** A certificate and its key from two inputs: both or neither, and the key must match. */
function readKeypairInputs(certInput, keyInput) {
    const cert = readPemInput(certInput, 'certificates');
    const key = readPemInput(keyInput, 'key');
    if (cert === undefined && key === undefined)
        return undefined;
    if (cert === undefined)
        throw new input_error/* InputError */.d(certInput, `is empty while \`${keyInput}\` is set`, `pass the certificate (PEM text or a path) with its key, or drop \`${keyInput}\``);
    if (key === undefined)
        throw new input_error/* InputError */.d(keyInput, `is empty while \`${certInput}\` is set`, `pass the private key of the certificate (PEM text or a path), or drop \`${certInput}\``);
    const [leaf] = parseCertificates(cert);
    if (!leaf.checkPrivateKey(parsePrivateKey(key))) {
        throw new input_error/* InputError */.d(keyInput, `does not belong to the certificate in \`${certInput}\``, 'pass the key that was issued with that certificate');
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
            throw new input_error/* InputError */.d(input, `ca=${path} is not a PEM certificate: ${error.message}`, "point ca= at the PEM file of the CA that signed this registry's certificate", registry.line);
        }
    })
        .join('');
}
function readPemPath(input, value) {
    if (value.includes('\n')) {
        throw new input_error/* InputError */.d(input, 'is neither PEM text (no "-----BEGIN" line) nor a path to a file', 'pass the PEM text itself, starting with "-----BEGIN", or the path of a PEM file');
    }
    if (/^[A-Za-z0-9+/=]{40,}$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes('-----BEGIN ')) {
        throw new input_error/* InputError */.d(input, 'looks like base64-encoded PEM', 'store the PEM text itself in the secret, or decode it in an earlier step and pass the file path');
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

// EXTERNAL MODULE: ./src/inputs/registries.ts
var inputs_registries = __nccwpck_require__(6182);
;// CONCATENATED MODULE: ./src/inputs/read-inputs.ts












/** As docker/setup-buildx-action: lets `docker buildx build --network host` and `--allow security.insecure` work. */
const DEFAULT_BUILDKITD_FLAGS = '--allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host';
/**
 * Reads and validates every input before anything is written, so bad input
 * never leaves a half-made builder behind. With pem-inputs.ts and
 * base-config.ts, the only caller of runner.getInput.
 */
function readInputs() {
    const registries = (0,inputs_registries/* parseRegistries */.XG)(runner/* getInput */.V4('registries')).map(registry => ({
        ...registry,
        ownCa: readRegistryCas(registry)
    }));
    const driver = readDriver();
    const mirrors = (0,inputs_registries/* parseMirrors */.Cy)(runner/* getInput */.V4('mirror'));
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
        name: readName(driver),
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
        cacheBinary: booleanInput('cache-binary', true),
        endpointTls: readEndpointTls(driver),
        platforms: parseCsvList(runner/* getInput */.V4('platforms')),
        appendYaml: runner/* getInput */.V4('append'),
        keepState: readKeepState(driver),
        installAlias: booleanInput('install', false)
    };
    const preflight = { mode: readPreflightMode(), timeoutSeconds: readPreflightTimeout() };
    const host = {
        installConfig: readInstallConfig(),
        credentials: readCredentials(credentialHosts(registries, mirrors)),
        daemonTrust: readDaemonTrust()
    };
    if (driver === 'docker')
        checkDaemonBuilder(config, host);
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
function readName(driver) {
    // As docker/setup-buildx-action (context.ts getBuilderName): the docker driver's builder is
    // the daemon's own, named after the Docker context; `name` does not apply.
    if (driver === 'docker')
        return (0,paths/* currentDockerContext */.Nw)(process.env, dockerClientConfig());
    const name = runner/* getInput */.V4('name');
    if (name === '')
        return defaultBuilderName(process.env);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) {
        throw new input_error/* InputError */.d('name', `'${name}' is not a valid builder name`, 'use letters, digits, `-`, `_` and `.`, starting with a letter or digit; or leave it empty for a generated name');
    }
    return name;
}
function readDriver() {
    return runner/* getInput */.V4('driver') || 'docker-container';
}
function dockerClientConfig() {
    const path = (0,external_node_path_.join)((0,paths/* dockerConfigDir */.kG)(process.env), 'config.json');
    return (0,external_node_fs_.existsSync)(path) ? (0,external_node_fs_.readFileSync)(path, 'utf8') : undefined;
}
/** As docker/setup-buildx-action (main.ts): `buildx rm --keep-state` exists for docker-container only. */
function readKeepState(driver) {
    const keepState = booleanInput('keep-state', false);
    if (keepState && driver !== 'docker-container')
        throw new input_error/* InputError */.d('keep-state', `cannot be used with the ${driver} driver (\`docker buildx rm --keep-state\` keeps a docker-container builder's state volume)`, 'drop `keep-state`, or use `driver: docker-container`');
    return keepState;
}
/**
 * The docker driver has no buildkitd.toml: the daemon's own BuildKit reads the daemon's registry
 * settings, so the registries apply only through `trust-docker-daemon`, and mirrors not at all.
 */
function checkDaemonBuilder(config, host) {
    if (host.daemonTrust === 'off' && config.registries.length > 0)
        throw new input_error/* InputError */.d('trust-docker-daemon', "is false, and with `driver: docker` the registries reach the daemon's builder only through the daemon's own trust", 'set `trust-docker-daemon: true` (certs.d for TLS registries) or `restart` (also insecure-registries for `http` and `insecure` ones), or use `driver: docker-container`');
    if (config.mirrors.length > 0)
        throw new input_error/* InputError */.d('mirror', "cannot apply with `driver: docker`: the daemon's builder takes no buildkitd.toml, and the daemon mirrors only Docker Hub (`registry-mirrors` in daemon.json)", 'use `driver: docker-container`, or set `registry-mirrors` in the daemon.json of the runner');
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
        throw new input_error/* InputError */.d(name, `'${value}' is not a boolean`, 'write true or false');
    return parsed;
}
function readMaxParallelism() {
    const value = runner/* getInput */.V4('max-parallelism');
    if (value === '')
        return undefined;
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
        throw new input_error/* InputError */.d('max-parallelism', `'${value}' is not a positive whole number`, 'write how many build steps BuildKit may run at once, e.g. 4, or leave it empty for no limit');
    }
    return Number(value);
}
function readPreflightMode() {
    const value = runner/* getInput */.V4('preflight') || 'warn';
    if (value === 'error' || value === 'warn' || value === 'off')
        return value;
    throw new input_error/* InputError */.d('preflight', `'${value}' is not a preflight mode`, 'write `error` (fail the step), `warn` (annotate and go on) or `off`');
}
function readPreflightTimeout() {
    const value = runner/* getInput */.V4('preflight-timeout') || '5';
    const seconds = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || seconds <= 0 || seconds > 300) {
        throw new input_error/* InputError */.d('preflight-timeout', `'${value}' is not a number of seconds from 0 to 300`, 'write how long each registry may take to answer, e.g. 5');
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
        throw new input_error/* InputError */.d(input, "is for the `remote` driver's TLS connection to its buildkitd", 'set `driver: remote` with `endpoint: tcp://HOST:PORT`, or drop it (registry TLS goes in `ca-cert`, `client-cert` and `client-key`)');
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
        throw new input_error/* InputError */.d(missing, `is empty while \`${given}\` is set`, 'set both, or use `credentials` (HOST=USERNAME:PASSWORD per line)');
    }
    if (username !== '' && registryHosts.length === 0) {
        throw new input_error/* InputError */.d('username', 'applies to the registries in `registries` and the mirrors in `mirror`, and none is listed', 'list the registry in `registries`, or use `credentials` (HOST=USERNAME:PASSWORD per line)');
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
    throw new input_error/* InputError */.d('trust-docker-daemon', `'${value}' is not true, false or restart`, 'write true (certs.d for TLS registries), restart (also insecure-registries for HTTP ones, reloading the daemon) or false');
}
function readInstallConfig() {
    const value = runner/* getInput */.V4('install-config');
    const parsed = value === '' ? false : parseBoolean(value);
    if (parsed === false)
        return '';
    if (parsed === true)
        return (0,paths/* buildkitdConfigPath */.oy)(process.getuid?.() ?? -1, process.env);
    if (!(0,external_node_path_.isAbsolute)(value))
        throw new input_error/* InputError */.d('install-config', `'${value}' is neither true/false nor an absolute path`, 'write true (the default buildkitd config location), false, or an absolute path such as /etc/buildkit/buildkitd.toml');
    return value;
}
/**
 * `buildx-version`, or docker/setup-buildx-action's `version` (same meaning); `buildx-version`
 * wins when both are set. A git reference (theirs builds buildx from source) is refused.
 */
function readBuildxVersion() {
    const ours = runner/* getInput */.V4('buildx-version');
    const theirs = runner/* getInput */.V4('version');
    if (ours !== '' && theirs !== '' && ours !== theirs)
        runner/* warning */.$e(`Both \`buildx-version\` (${ours}) and \`version\` (${theirs}) are set: installing ${ours}.`);
    const input = ours !== '' ? 'buildx-version' : 'version';
    const value = ours || theirs;
    if (value === '' || value === 'latest' || /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(value))
        return value;
    throw new input_error/* InputError */.d(input, `'${value}' is not a buildx release${/[#/]/.test(value) ? ' (building buildx from a git reference is not supported)' : ''}`, 'write a release tag such as v0.19.3, or `latest`, or leave it empty to use the installed buildx');
}


/***/ }),

/***/ 6182:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Cy: () => (/* binding */ parseMirrors),
/* harmony export */   XG: () => (/* binding */ parseRegistries),
/* harmony export */   jB: () => (/* binding */ mirrorText)
/* harmony export */ });
/* harmony import */ var _hosts_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9450);
/* harmony import */ var _input_error_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9354);
/* harmony import */ var _lines_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(5010);



/** The entry as BuildKit's `mirrors` list takes it. */
function mirrorText(mirror) {
    return mirror.host.text + mirror.path;
}
const REGISTRY_OPTIONS = '`http` (plain HTTP), `insecure` (TLS without verification) or `ca=PATH`';
const MIRROR_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const DOCKER_HUB = { text: 'docker.io', hostname: 'docker.io' };
function parseRegistries(text, input = 'registries') {
    const firstLineOf = (0,_lines_js__WEBPACK_IMPORTED_MODULE_2__/* .firstLineTracker */ .h)();
    return (0,_lines_js__WEBPACK_IMPORTED_MODULE_2__/* .meaningfulLines */ .K)(text).map(({ text: lineText, line }) => {
        const [hostText, ...options] = lineText.split(/\s+/);
        const host = (0,_hosts_js__WEBPACK_IMPORTED_MODULE_0__/* .parseHost */ .o)(hostText, input, line);
        const earlier = firstLineOf(host.text, line);
        if (earlier !== undefined) {
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `'${host.text}' is listed again (first on line ${earlier})`, 'keep one line per registry, with all its options on it', line);
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
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `'${option}' has no path`, `write ca=PATH, e.g. '${host} ca=certs/${host.replace(/[^A-Za-z0-9.-]/g, '_')}.pem'`, line);
        }
        else if (option === 'https' || option === 'tls') {
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `unknown option '${option}'`, `drop it: a registry line with no option is TLS, verified against the system roots and \`ca-cert\``, line);
        }
        else {
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `unknown option '${option}'`, `use ${REGISTRY_OPTIONS}`, line);
        }
    }
    if (http && insecure) {
        throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, '`http` and `insecure` together', '`http` is plain HTTP with no TLS at all; `insecure` is TLS without certificate checks: keep the one the registry speaks', line);
    }
    if (http && caPaths.length > 0) {
        throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, '`http` with `ca=`', 'a plain-HTTP registry uses no certificate: drop `ca=`, or drop `http` if the registry speaks TLS', line);
    }
    return { transport: http ? 'http' : insecure ? 'insecure' : 'tls', caPaths };
}
function parseMirrors(text, input = 'mirror') {
    const firstLineOf = (0,_lines_js__WEBPACK_IMPORTED_MODULE_2__/* .firstLineTracker */ .h)();
    return (0,_lines_js__WEBPACK_IMPORTED_MODULE_2__/* .meaningfulLines */ .K)(text).map(({ text: lineText, line }) => {
        if (/\s/.test(lineText)) {
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `'${lineText}' has spaces`, 'write one MIRROR, or UPSTREAM=MIRROR[,MIRROR...] with no spaces, per line', line);
        }
        const equals = lineText.indexOf('=');
        const upstream = equals === -1 ? DOCKER_HUB : (0,_hosts_js__WEBPACK_IMPORTED_MODULE_0__/* .parseHost */ .o)(lineText.slice(0, equals), input, line);
        const list = equals === -1 ? lineText : lineText.slice(equals + 1);
        if (list === '' || list.split(',').some(entry => entry === '')) {
            throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `'${lineText}' has an empty mirror`, 'write UPSTREAM=MIRROR[,MIRROR...], e.g. ghcr.io=mirror.example.com:5000', line);
        }
        const mirrors = list.split(',').map(entry => parseMirror(entry, input, line));
        for (const mirror of mirrors) {
            const earlier = firstLineOf(`${upstream.text} ${mirrorText(mirror)}`, line);
            if (earlier !== undefined) {
                throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `mirror '${mirrorText(mirror)}' for ${upstream.text} is listed again (first on line ${earlier})`, 'list each mirror once', line);
            }
        }
        return { upstream, mirrors, line };
    });
}
function parseMirror(entry, input, line) {
    // parseHost of the whole entry reports a scheme with its fix; the host part is then checked alone.
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry))
        (0,_hosts_js__WEBPACK_IMPORTED_MODULE_0__/* .parseHost */ .o)(entry, input, line);
    const slash = entry.indexOf('/');
    const host = (0,_hosts_js__WEBPACK_IMPORTED_MODULE_0__/* .parseHost */ .o)(slash === -1 ? entry : entry.slice(0, slash), input, line);
    const path = slash === -1 ? '' : entry.slice(slash);
    if (path !== '' && !MIRROR_PATH.test(path)) {
        throw new _input_error_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .d(input, `'${path}' is not a valid mirror path`, 'write MIRROR as host[:port] or host[:port]/path with letters, digits, dots, dashes and underscores', line);
    }
    return { host, path };
}


/***/ }),

/***/ 182:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
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
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Nw: () => (/* binding */ currentDockerContext),
/* harmony export */   _R: () => (/* binding */ cliPluginDirs),
/* harmony export */   bs: () => (/* binding */ daemonPaths),
/* harmony export */   cl: () => (/* binding */ runnerTempDir),
/* harmony export */   dO: () => (/* binding */ dockerConfigFile),
/* harmony export */   kG: () => (/* binding */ dockerConfigDir),
/* harmony export */   oy: () => (/* binding */ buildkitdConfigPath)
/* harmony export */ });
/* unused harmony export userConfigDir */
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);


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

/***/ 7095:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ff: () => (/* binding */ tokenTrustFor),
/* harmony export */   G$: () => (/* binding */ bundleText),
/* harmony export */   Vw: () => (/* binding */ planClientTrust)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);

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
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ tlsFiles)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(182);

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

/***/ 4813:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $e: () => (/* binding */ warning),
/* harmony export */   C1: () => (/* binding */ setFailed),
/* harmony export */   LZ: () => (/* binding */ saveState),
/* harmony export */   N4: () => (/* binding */ endGroup),
/* harmony export */   Oh: () => (/* binding */ startGroup),
/* harmony export */   Os: () => (/* binding */ group),
/* harmony export */   Pq: () => (/* binding */ setSecret),
/* harmony export */   V4: () => (/* binding */ getInput),
/* harmony export */   dN: () => (/* binding */ exportVariable),
/* harmony export */   fe: () => (/* binding */ appendSummary),
/* harmony export */   pq: () => (/* binding */ info),
/* harmony export */   q3: () => (/* binding */ getMultilineInput),
/* harmony export */   uH: () => (/* binding */ setOutput)
/* harmony export */ });
/* unused harmony export getState */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(8161);
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
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(path, html, 'utf8');
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

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3292:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  zx: () => (/* reexport */ TomlError),
  qg: () => (/* reexport */ parse),
  As: () => (/* reexport */ stringify)
});

// UNUSED EXPORTS: TomlDate, default

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/error.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
function getLineColFromPtr(string, ptr) {
    let lines = string.slice(0, ptr).split(/\r?\n/);
    return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
    let lines = string.split(/\r?\n/);
    let codeblock = '';
    let numberLen = (Math.log10(line + 1) | 0) + 1;
    for (let i = line - 1; i <= line + 1; i++) {
        let l = lines[i - 1];
        if (!l)
            continue;
        codeblock += i.toString().padEnd(numberLen, ' ');
        codeblock += ':  ';
        codeblock += l;
        codeblock += '\n';
        if (i === line) {
            codeblock += ' '.repeat(numberLen + column + 2);
            codeblock += '^\n';
        }
    }
    return codeblock;
}
class TomlError extends Error {
    line;
    column;
    codeblock;
    constructor(message, options) {
        const [line, column] = getLineColFromPtr(options.toml, options.ptr);
        const codeblock = makeCodeBlock(options.toml, line, column);
        super(`Invalid TOML document: ${message}\n\n${codeblock}`, options);
        this.line = line;
        this.column = column;
        this.codeblock = codeblock;
    }
    /** @internal */
    static x(message, ctx, ptr) {
        throw new TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/primitive.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function parseString(ctx) {
    let startPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p++);
    let first = c;
    let isLiteral = c === 0x27; /* ' */
    let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
    if (isMultiline) {
        // Trim initial newline
        if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 0xa /* \n */)
            ctx.p++;
        else if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)
            ctx.p += 2;
    }
    // For the record: it is not worth it to use a fast-path for literal strings using `indexOf`.
    // Doing a char-by-char iteration ends up dispatching less instructions, for the same wall-clock runtime.
    let parsed = '';
    let sliceStart = ctx.p;
    // states:
    //   0 - decoding
    //   1 - decoding escape
    //   2 - whitespace escape (no newline encountered yet, must fail on non-whitespace)
    //   3 - whitespace escape (newline encountered, allowed to transition back to normal decode)
    let state = 0;
    for (; ctx.p < ctx.s.length; ctx.p++) {
        c = ctx.s.charCodeAt(ctx.p);
        // Deal with newlines first, since that simplifies control character checking and handling across all states
        if (isMultiline && (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */))) {
            state = state && 3;
        }
        // Control characters are banned in TOML, so we throw an error if we encounter them
        else if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in strings', ctx);
        }
        // The string might terminate while we're parsing through a newline escape.
        // It must have encountered a newline; otherwise, it'll simply fail in another branch.
        else if ((!state || state === 3) && c === first && (!isMultiline || (ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first))) {
            if (isMultiline) {
                // If the string ends with 4-5 quotes, then the first 1-2 are part of the string
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
            }
            // If we're in a newline escape still, then there's nothing to add.
            if (!state) {
                // Avoid a useless concat operation if the string can be used as-is.
                let s = ctx.s.slice(sliceStart, ctx.p);
                parsed = parsed ? parsed + s : s;
            }
            ctx.p += isMultiline ? 3 : 1;
            return parsed;
        }
        // Baseline state; keep moving forward unless an escape sequence starts
        else if (!state) {
            if (!isLiteral && c === 0x5c /* \ */) {
                parsed += ctx.s.slice(sliceStart, (sliceStart = ctx.p));
                state = 1;
            }
        }
        else if (state === 1) {
            if (c === 0x78 /* x */ || c === 0x75 /* u */ || c === 0x55 /* U */) { // Unicode escape
                let errPtr = ctx.p++ - 1;
                let value = 0;
                let len = c === 0x78 /* x */ ? 2 : c === 0x75 /* u */ ? 4 : 8;
                for (let j = 0; j < len; j++, ctx.p++) {
                    let hex = ctx.s.charCodeAt(ctx.p);
                    let digit = 
                    /* 0-9 */ hex >= 0x30 && hex <= 0x39 ? hex - 0x30 :
                        /* A-F */ hex >= 0x41 && hex <= 0x46 ? hex - 0x41 + 10 :
                            /* a-f */ hex >= 0x61 && hex <= 0x66 ? hex - 0x61 + 10 : -1;
                    if (digit < 0)
                        TomlError.x('invalid non-hex character in unicode escape', ctx);
                    value = (value << 4) | digit;
                }
                // Because JS does bitwise on signed 32bit integers, all 0xfzzzzzzz values are actually seen as negative
                if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
                    TomlError.x('invalid unicode escape', ctx, errPtr);
                }
                parsed += String.fromCodePoint(value);
                sliceStart = ctx.p--;
                state = 0;
            }
            // Newline escape sequence. We only need to care about spaces and tabs; newlines are dealt with earlier
            else if (isMultiline && (c === 0x20 || c === 0x9 /* \t */)) {
                state = 2;
            }
            // Basic escape sequence
            else {
                if (c === 0x62 /* b */)
                    parsed += '\b';
                else if (c === 0x74 /* t */)
                    parsed += '\t';
                else if (c === 0x6e /* n */)
                    parsed += '\n';
                else if (c === 0x66 /* f */)
                    parsed += '\f';
                else if (c === 0x72 /* r */)
                    parsed += '\r';
                else if (c === 0x65 /* e */)
                    parsed += '\x1b';
                else if (c === 0x22 /* " */)
                    parsed += '"';
                else if (c === 0x5c /* \ */)
                    parsed += '\\';
                else
                    TomlError.x('unrecognised escape sequence', ctx);
                sliceStart = ctx.p + 1;
                state = 0;
            }
        }
        // Newline escape continuation: keep moving forward until the first non-whitespace char
        else if (c !== 0x20 && c !== 0x9 /* \t */) {
            if (state === 2)
                TomlError.x('invalid escape: only line-ending whitespace may be escaped', ctx, sliceStart);
            // State cannot be zero, or we'd have branched earlier already.
            // If it's a backslash, immediately transition to the escape state so it can be processed.
            state = !isLiteral && c === 0x5c /* \ */ ? 1 : 0;
            sliceStart = ctx.p;
        }
    }
    TomlError.x('unfinished string', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/date.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
class TomlDate extends Date {
    #hasDate = false;
    #hasTime = false;
    #offset = null;
    constructor(date, fasttype, unsafeDelim) {
        let hasDate = true;
        let hasTime = true;
        let offset = 'Z';
        let c;
        if (typeof date === 'string') {
            if (fasttype)
                prep: {
                    // Date-time
                    if (fasttype < 3) {
                        if (+date.slice(11, 13) > 23) {
                            date = '';
                            break prep;
                        }
                        // Local
                        if (fasttype === 2) {
                            offset = null;
                            date += 'Z';
                        }
                        // Offset; keep track of offset if not Z
                        else if ((c = date.charCodeAt(date.length - 1)) !== 0x5a /* Z */ && c !== 0x7a /* z */) {
                            offset = date.slice(date.length - 6);
                        }
                        if (unsafeDelim)
                            date = date.slice(0, 10) + 'T' + date.slice(11);
                    }
                    // Time
                    else if (fasttype === 4) {
                        date = +date.slice(0, 2) > 23 ? '' : `0000-01-01T${date}Z`;
                    }
                    hasDate = fasttype !== 4;
                    hasTime = fasttype !== 3;
                }
            else {
                let match = date.match(DATE_TIME_RE);
                if (match) {
                    if (!match[1]) {
                        hasDate = false;
                        date = `0000-01-01T${date}`;
                    }
                    hasTime = !!match[2];
                    // Make sure to use T instead of a space. Breaks in case of extreme values otherwise.
                    hasTime && date[10] === ' ' && (date = date.replace(' ', 'T'));
                    // Do not allow rollover hours.
                    if (match[2] && +match[2] > 23) {
                        date = '';
                    }
                    else {
                        offset = match[3] || null;
                        if (!offset && hasTime)
                            date += 'Z';
                    }
                }
                else {
                    date = '';
                }
            }
        }
        super(date);
        if (!isNaN(this.getTime())) {
            this.#hasDate = hasDate;
            this.#hasTime = hasTime;
            this.#offset = offset;
        }
    }
    isDateTime() {
        return this.#hasDate && this.#hasTime;
    }
    isLocal() {
        return !this.#hasDate || !this.#hasTime || !this.#offset;
    }
    isDate() {
        return this.#hasDate && !this.#hasTime;
    }
    isTime() {
        return this.#hasTime && !this.#hasDate;
    }
    isValid() {
        return this.#hasDate || this.#hasTime;
    }
    toISOString() {
        let iso = super.toISOString();
        // Local Date
        if (this.isDate())
            return iso.slice(0, 10);
        // Local Time
        if (this.isTime())
            return iso.slice(11, 23);
        // Local DateTime
        if (this.#offset === null)
            return iso.slice(0, -1);
        // Offset DateTime
        if (this.#offset === 'Z' || this.#offset === 'z')
            return iso;
        // This part is quite annoying: JS strips the original timezone from the ISO string representation
        // Instead of using a "modified" date and "Z", we restore the representation "as authored"
        let offset = (+(this.#offset.slice(1, 3)) * 60) + +(this.#offset.slice(4, 6));
        offset = this.#offset[0] === '-' ? offset : -offset;
        let offsetDate = new Date(this.getTime() - (offset * 60e3));
        return offsetDate.toISOString().slice(0, -1) + this.#offset;
    }
    static wrapAsOffsetDateTime(jsDate, offset = 'Z') {
        let date = new TomlDate(jsDate);
        date.#offset = offset;
        return date;
    }
    static wrapAsLocalDateTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#offset = null;
        return date;
    }
    static wrapAsLocalDate(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasTime = false;
        date.#offset = null;
        return date;
    }
    static wrapAsLocalTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasDate = false;
        date.#offset = null;
        return date;
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/extract.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function isDigit(char, base = 10) {
    return base === 16
        ? (char > 0x2f && char < 0x3a) || (char > 0x40 && char < 0x47) || (char > 0x60 && char < 0x67)
        : (char > 0x2f && char < 0x30 + base);
}
function isEndOfValue(char, delim) {
    // Whitespace -- we're permissive on `\r` for performance; it'll be dealt with later anyway
    return char === 0x20 || char === 0x9 /* \t */ || char === 0xa /* \n */ || char === 0xd /* \r */ ||
        // Structure end or next value delimiter
        (delim && (char === delim || char === 0x2c /* , */)) ||
        // Comment
        char === 0x23; /* # */
}
/** @internal */
function extractValue(ctx, end) {
    let errPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p);
    // Structs
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        ctx.d-- || TomlError.x('document contains excessively nested structures. aborting.', ctx);
        let value = c === 0x5b /* [ */
            ? parseArray(ctx)
            : parseInlineTable(ctx);
        ctx.d++;
        return value;
    }
    // Strings
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        return parseString(ctx);
    }
    // Booleans
    // We can fast-path because the first character is enough to know the only possible value
    if (c === 0x74 /* t */) { // Only possible valid value is `true`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x72 || ctx.s.charCodeAt(++ctx.p) !== 0x75 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, true;
    }
    if (c === 0x66 /* f */) { // Only possible valid value is `false`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6c || ctx.s.charCodeAt(++ctx.p) !== 0x73 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, false;
    }
    if (c === 0x2b /* + */ || c === 0x2d /* - */) {
        return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 0x2c - c, end);
    }
    // Rough heuristic, but `parseDate` falls back to number parsing if it's a false positive.
    // e.g.: `a = 1\n-------------- = 1` would match this heuristic, but gracefully fallback to numbers.
    if (ctx.s.charCodeAt(ctx.p + 4) === 0x2d /* - */ && ctx.s.charCodeAt(ctx.p + 7) === 0x2d /* - */) {
        return parseDate(ctx, c, end);
    }
    // Same logic as above; `parseTime` falls back to number parsing if it's a false positive.
    if (ctx.s.charCodeAt(ctx.p + 2) === 0x3a /* : */) {
        return parseTime(ctx, c, end);
    }
    return parseNumber(ctx, ctx.p, c, 0, end);
}
// State:
// 0: init
// 1: integer
// 2: fractional dot
// 3: fractional
// 4: exponent letter
// 5: exponent
// 6: exponent sign
// 7: exponent with sign
// >9: underscore; see below
//     -> 12: was integer
//     -> 14: was fractional
//     -> 16: was exponent
// states 2-5, 14, 16 are ONLY permitted iif base === 10
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
    let c = startChr;
    let state = 0;
    let hasUnderscores = false;
    // (+/-)inf
    if (c === 0x69 /* i */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x6e || ctx.s.charCodeAt(++ctx.p) !== 0x66)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, (sign || 1) / 0;
    }
    // (+/-)nan
    if (c === 0x6e /* n */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6e)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, NaN;
    }
    // Leading zero
    // Only allowed cases: `0<EOV>`, `0.(...)`, `0e(...)`, `0x(...)`, `0b(...)`, `0o(...)`
    // FWIW, `0e(...)` is a stupid case, but it's not banned per-se so we have to parse it
    if (c === 0x30 /* 0 */) {
        if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
            return ctx.bi === true ? 0n : 0; // note: conveniently deals with `-0`
        if (!sign) {
            if (c === 0x78 /* x */)
                return parseIntegerBaseN(ctx, startPtr, 16, endChr);
            else if (c === 0x62 /* b */)
                return parseIntegerBaseN(ctx, startPtr, 2, endChr);
            else if (c === 0x6f /* o */)
                return parseIntegerBaseN(ctx, startPtr, 8, endChr);
        }
        if (c === 0x2e /* . */)
            state = 2;
        else if (c === 0x65 /* e */ || c === 0x45 /* E */)
            state = 4;
        else
            TomlError.x('illegal leading zero', ctx, startPtr);
    }
    // If the 1st char is not a digit by now, then it's not a valid TOML value at all
    else if (!isDigit(c))
        TomlError.x('invalid value', ctx, startPtr);
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (!state)
            state = 1; // Detects single-digit numbers we can use a fast parse path for
        // The way the states are numbered is not random: underscores are always permitted in odd-numbered states and
        // never permitted in even-numbered ones.
        if (c === 0x5f /* _ */) {
            if (!(state & 1))
                TomlError.x('illegal underscore', ctx);
            state += 11; // 11 is a marker that makes the state even and greater than 9; see the numbering + rationale above
            hasUnderscores = true;
        }
        // Transition to fractional part.
        else if (state === 1 && c === 0x2e /* . */)
            state = 2;
        // Transition to exponent part.
        else if ((state === 1 || state === 3) && (c === 0x65 /* e */ || c === 0x45 /* E */))
            state = 4;
        // + and - are permitted in state 4 only (handled before entering the function for state 0)
        else if (state === 4 && (c === 0x2b /* + */ || c === 0x2d /* - */)) {
            state = 6;
        }
        // All special cases have been handled; only digits are allowed here
        else if (!isDigit(c))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear state flags
        else if (state > 9)
            state -= 11;
        else if (!(state & 1))
            state++;
    }
    // Single-char number; we can fast-path these very easily.
    if (!state) {
        let val = (startChr - 0x30 /* 0 */) * (sign || 1);
        return ctx.bi === true ? BigInt(val) : val;
    }
    // Even-numbered states absolutely require a digit next; not even end of value is permitted
    if (!(state & 1))
        TomlError.x('unfinished numeric value', ctx, startPtr);
    let str = ctx.s.slice(startPtr, ctx.p);
    if (hasUnderscores)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return state > 1
        ? parseFloat(str)
        : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
    let c, underscore = 1;
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (c === 0x5f /* _ */) {
            if (underscore & 1)
                TomlError.x('illegal underscore', ctx);
            underscore = 3;
        }
        // We only need to check if the number is a valid digit, nothing else is permitted
        else if (!isDigit(c, base))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear underscore flag
        else if (underscore & 1)
            underscore--;
    }
    // Trailing underscore is not allowed
    if (underscore & 1)
        TomlError.x('unfinished numeric value', ctx);
    let str = ctx.s.slice(startPtr + 2, ctx.p);
    if (underscore)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
    if (ctx.bi !== true)
        int: {
            let val = parseInt(str, base);
            if (!Number.isSafeInteger(val)) {
                if (ctx.bi)
                    break int;
                TomlError.x('integer value cannot be represented losslessly', ctx, startPtr);
            }
            return val;
        }
    return base === 10 ? BigInt(str) : BigInt((base === 2 ? '0b' : base === 8 ? '0o' : '0x') + str);
}
function parseDate(ctx, c, endChr) {
    let startPtr = ctx.p++, unsafeSeparator;
    if (!isDigit(c) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++))) {
        return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
    }
    ctx.p += 5;
    if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
        TomlError.x('invalid date-time: date part is malformed', ctx, startPtr);
    if (ctx.p >= ctx.s.length || (((c = ctx.s.charCodeAt(ctx.p)) !== 0x20 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 0x54 /* T */ && c !== 0x74 /* t */)) {
        let t = ctx.s.slice(startPtr, ctx.p);
        return readDate(ctx, t, 3, false, startPtr);
    }
    if (ctx.s.charCodeAt(ctx.p += 3) !== 0x3a /* : */)
        TomlError.x('invalid date-time: time part is malformed', ctx, startPtr);
    if (ctx.s.charCodeAt(ctx.p += 3) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    if (c = ctx.s.charCodeAt(ctx.p)) {
        if (c === 0x5a /* Z */ || c === 0x7a /* z */) {
            let t = ctx.s.slice(startPtr, ++ctx.p);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, '[+00:00]');
        }
        if (c === 0x2b /* + */ || c === 0x2d /* - */) {
            // Temporal's ZonedDateTime is weird asf when it comes to dealing with traditional offsets...
            // It's 1.2x faster to allocate a new string to pass to ZDT than use Instant.toZonedDateTimeISO
            let t = ctx.s.slice(startPtr, ctx.p += 6);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, !ctx.ld && ('[' + ctx.s.slice(ctx.p - 6, ctx.p) + ']'));
        }
    }
    let t = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
    let start = ctx.p;
    if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
        return parseNumber(ctx, --ctx.p, c, 0, endChr);
    }
    if (ctx.s.charCodeAt(ctx.p += 4) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    let t = ctx.s.slice(start, ctx.p);
    return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
    if (ctx.ld) {
        let date = new TomlDate(str, type, unsafeDelim);
        if (!date.isValid())
            TomlError.x('invalid date', ctx, errPtr);
        return date;
    }
    try {
        if (temporalSuffix)
            str += temporalSuffix;
        switch (type) {
            case 1: return Temporal.ZonedDateTime.from(str);
            case 2: return Temporal.PlainDateTime.from(str);
            case 3: return Temporal.PlainDate.from(str);
            case 4: return Temporal.PlainTime.from(str);
        }
    }
    catch (e) {
        TomlError.x(e instanceof Error ? e.message : '' + e, ctx, errPtr);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/util.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function skipComment(ctx) {
    for (; ctx.p < ctx.s.length; ctx.p++) {
        let c = ctx.s.charCodeAt(ctx.p);
        if (c === 0xa /* \n */)
            break;
        if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */) {
            ctx.p++;
            break;
        }
        if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in comments', ctx);
        }
    }
}
/** @internal */
function skipVoid(ctx, banNewLines, banComments) {
    let c;
    while (ctx.p < ctx.s.length) {
        while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 0x20 ||
            c === 0x9 /* \t */ ||
            (!banNewLines &&
                (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)))))
            ctx.p++;
        if (banComments || c !== 0x23 /* # */)
            break;
        skipComment(ctx);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/struct.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




/** @internal */
function parseKey(ctx, end = 0x3d /* = */) {
    // States:
    // 0: before first char
    // 1: parsing bare key
    // 2: after key component
    let startPtr;
    let state = 0;
    let parsed = [];
    let sliceStart;
    let c = ctx.s.charCodeAt(startPtr = ctx.p);
    do {
        // End of key
        if (c === end) {
            if (!state)
                TomlError.x('unexpected end of key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            return ctx.p++, parsed;
        }
        // Dotted key separator
        else if (c === 0x2e /* . */) {
            if (!state)
                TomlError.x('illegal empty bare key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            state = 0;
        }
        // Quoted key
        else if (!state && (c === 0x22 /* " */ || c === 0x27 /* ' */)) {
            if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
                TomlError.x('illegal quoted key: multiline strings are not allowed', ctx);
            parsed.push(parseString(ctx));
            state = 2;
            ctx.p--;
        }
        // Whitespace; no-op in state 0 and 2, end of bare key in state 1
        else if (c === 0x20 || c === 0x9 /* \t */) {
            if (state === 1) {
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
                state = 2;
            }
        }
        // If state is post-key, no character is allowed; otherwise ensure it's a bare-key component
        else if (state === 2 || (c < 0x30 && c !== 0x2d /* - */) || (c > 0x39 && c < 0x41) || (c > 0x5a && c < 0x61 && c !== 0x5f /* _ */) || c > 0x7a) {
            TomlError.x('illegal character in key', ctx);
        }
        // Illegal character
        else if (!state) {
            state = 1;
            sliceStart = ctx.p;
        }
    } while (c = ctx.s.charCodeAt(++ctx.p));
    TomlError.x('incomplete key-value: cannot find end of key', ctx, startPtr);
}
/** @internal */
function parseInlineTable(ctx) {
    let startPtr = ctx.p++;
    let res = Object.create(null);
    let seen = new Set();
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x7d /* } */) {
            ctx.p++;
            return res;
        }
        let k;
        let t = res;
        let hasOwn = false;
        let errPtr = ctx.p;
        let key = parseKey(ctx);
        for (let i = 0; i < key.length; i++) {
            if (i)
                t = hasOwn ? t[k] : (t[k] = Object.create(null));
            k = key[i];
            if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== 'object' || seen.has(t[k]))) {
                TomlError.x('trying to redefine an already defined value', ctx, errPtr);
            }
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor')) {
                t = ctx.uk !== 1 && TomlError.x('document contains an unsafe property', ctx, errPtr);
                break;
            }
            if (!hasOwn && unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
            }
        }
        if (hasOwn) {
            TomlError.x('trying to redefine an already defined value', ctx, errPtr);
        }
        skipVoid(ctx, true, true);
        let value = extractValue(ctx, 0x7d /* } */);
        if (t && typeof (t[k] = value) === 'object')
            seen.add(value);
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x7d /* } */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished table', ctx, startPtr);
}
/** @internal */
function parseArray(ctx) {
    let startPtr = ctx.p++;
    let res = [];
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x5d /* ] */) {
            ctx.p++;
            return res;
        }
        res.push(extractValue(ctx, 0x5d /* ] */));
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x5d /* ] */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished array', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/parse.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function peekTable(ctx, key, table, meta, type) {
    let t = table;
    let m = meta;
    let k;
    let hasOwn = false;
    let state;
    for (let i = 0; i < key.length; i++) {
        if (i) {
            t = hasOwn ? t[k] : (t[k] = Object.create(null));
            m = (state = m[k]).c;
            if (type === 0 /* Type.DOTTED */ && (state.t === 1 /* Type.EXPLICIT */ || state.t === 2 /* Type.ARRAY */)) {
                return null;
            }
            if (state.t === 2 /* Type.ARRAY */) {
                let l = t.length - 1;
                t = t[l];
                m = m[l].c;
            }
        }
        k = key[i];
        if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 /* Type.DOTTED */ && m[k]?.d) {
            return null;
        }
        if (!hasOwn) {
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor'))
                return false;
            if (unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
                Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
            }
            m[k] = {
                t: i < key.length - 1 && type === 2 /* Type.ARRAY */
                    ? 3 /* Type.ARRAY_DOTTED */ : type,
                d: false,
                i: 0,
                c: Object.create(null),
            };
        }
    }
    state = m[k];
    if (state.t !== type && !(type === 1 /* Type.EXPLICIT */ && state.t === 3 /* Type.ARRAY_DOTTED */)) {
        // Bad key type!
        return null;
    }
    if (type === 2 /* Type.ARRAY */) {
        if (!state.d) {
            state.d = true;
            t[k] = [];
        }
        t[k].push(t = Object.create(null));
        state.c[state.i++] = (state = { t: 1 /* Type.EXPLICIT */, d: false, i: 0, c: Object.create(null) });
    }
    if (state.d) {
        // Redefining a table!
        return null;
    }
    state.d = true;
    if (type === 1 /* Type.EXPLICIT */) {
        t = hasOwn ? t[k] : (t[k] = Object.create(null));
    }
    else if (type === 0 /* Type.DOTTED */ && hasOwn) {
        return null;
    }
    return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
    if (peek === null || ctx.uk === 2)
        TomlError.x(peek === null
            ? 'trying to redefine an already defined table or value'
            : 'document contains an unsafe property', ctx, ptr);
}
function parse(toml, options = {}) {
    let ctx = {
        s: toml,
        p: 0,
        d: options.maxDepth ?? 1000,
        bi: options.integersAsBigInt ?? false,
        ld: options.useLegacyDate ?? true,
        uk: options.unsafeKeyBehaviour === 'throw' ? 2 : options.unsafeKeyBehaviour === 'drop' ? 1 : 0,
    };
    let res = Object.create(null);
    let meta = Object.create(null);
    let tmp;
    let skipping = false;
    let tbl = res;
    let m = meta;
    // BOM is allowed, skip.
    // JS is UTF-16, so we have to check for the UTF-16 BOM instead of the UTF-8 BOM sequence!
    if (toml.charCodeAt(0) === 0xfeff)
        ctx.p++;
    skipVoid(ctx);
    while (ctx.p < toml.length) {
        if (toml.charCodeAt(ctx.p) === 0x5b /* [ */) {
            let isTableArray = toml.charCodeAt(++ctx.p) === 0x5b; /* [ */
            tmp = ctx.p += +isTableArray;
            skipping = false;
            let k = parseKey(ctx, 0x5d /* ] */);
            if (isTableArray) {
                if (toml.charCodeAt(ctx.p) !== 0x5d /* ] */) {
                    TomlError.x('expected end of table array declaration', ctx);
                }
                ctx.p++;
            }
            let p = peekTable(ctx, k, res, meta, isTableArray ? 2 /* Type.ARRAY */ : 1 /* Type.EXPLICIT */);
            if (!p) {
                validateTablePeek(ctx, p, tmp);
                skipping = true;
            }
            else {
                m = p[2];
                tbl = p[1];
            }
        }
        else {
            tmp = ctx.p;
            let k = parseKey(ctx);
            let p = peekTable(ctx, k, tbl, m, 0 /* Type.DOTTED */);
            if (!p && !skipping)
                validateTablePeek(ctx, p, tmp);
            skipVoid(ctx, true, true);
            let v = extractValue(ctx, void 0);
            if (p && !skipping)
                p[1][p[0]] = v;
        }
        skipVoid(ctx, true);
        if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 0xa /* \n */ && (tmp !== 0xd /* \r */ || toml.charCodeAt(ctx.p + 1) !== 0xa /* \n */)) {
            TomlError.x('each key-value declaration must be followed by an end-of-line', ctx);
        }
        skipVoid(ctx);
    }
    return res;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/stringify.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let BARE_KEY = /^[a-z0-9-_]+$/i;
let HAS_WELLFORMED = !!(''.isWellFormed);
function extendedTypeOf(obj) {
    let type = typeof obj;
    if (type === 'object') {
        if (Array.isArray(obj))
            return 'array';
        if (typeof obj.getUTCDate === 'function' && obj instanceof Date)
            return 'date';
        if (globalThis.Temporal) {
            if (obj.until) {
                if (obj instanceof Temporal.ZonedDateTime)
                    return 'temporal/tz+uc';
                if (obj instanceof Temporal.PlainDateTime || obj instanceof Temporal.PlainDate)
                    return 'temporal/uc';
                if (obj instanceof Temporal.PlainTime || obj instanceof Temporal.Instant)
                    return 'temporal';
                if (obj instanceof Temporal.PlainYearMonth)
                    return 'temporal/x';
            }
            else if ((obj.toPlainDate && obj instanceof Temporal.PlainMonthDay) ||
                (obj.negated && obj instanceof Temporal.Duration)) {
                return 'temporal/x';
            }
        }
    }
    return type;
}
function isArrayOfTables(obj) {
    for (let i = 0; i < obj.length; i++) {
        if (extendedTypeOf(obj[i]) !== 'object')
            return false;
    }
    return obj.length != 0;
}
function formatWellFormedStringUnchecked(s) {
    return JSON.stringify(s).replaceAll('\x7f', '\\u007f');
}
function formatString(s) {
    return formatWellFormedStringUnchecked(HAS_WELLFORMED ? s.toWellFormed() : s);
}
function formatKey(s) {
    if (BARE_KEY.test(s))
        return s;
    if (HAS_WELLFORMED && !s.isWellFormed())
        throw new RangeError('key contains illegal lone surrogates');
    return formatWellFormedStringUnchecked(s);
}
function stringifyValue(val, type, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    switch (type) {
        // @ts-expect-error -- intentional fallthrough case
        case 'number':
            if (isNaN(val))
                return 'nan';
            if (val === Infinity)
                return 'inf';
            if (val === -Infinity)
                return '-inf';
            if (Number.isInteger(val) && (numberAsFloat || !Number.isSafeInteger(val)))
                return val.toFixed(1);
        case 'bigint':
        case 'boolean':
        case 'temporal':
            return val.toString();
        case 'string':
            return formatString(val);
        case 'date':
            if (isNaN(val.getTime()))
                throw new TypeError('cannot serialize invalid date');
            return val.toISOString();
        case 'object':
            return stringifyInlineTable(val, depth, numberAsFloat, strictTemporal);
        case 'array':
            return stringifyArray(val, depth, numberAsFloat, strictTemporal);
        // @ts-expect-error -- intentional fallthrough case
        case 'temporal/tz+uc':
            if (strictTemporal) {
                let tz = val.timeZoneId;
                let tzc = tz.charCodeAt(0);
                if (
                // Classic offset
                tzc !== 0x2b /* + */ && tzc !== 0x2d /* - */ &&
                    (
                    // Fast pre-check pass; see below for the actually accepted values
                    (tzc !== 0x55 /* U */ && tzc !== 0x47 /* G */ && tzc !== 0x5a /* Z */ && tzc !== 0x45 /* E */) ||
                        (
                        // UTC and its aliases; Temporal implementations don't all canonicalise unfortunately
                        tz !== 'UTC' && tz !== 'UCT' && tz !== 'Universal' && tz !== 'Zulu' &&
                            // GMT is a TZ but it's for all intents and purposes equivalent to UTC. Safe to downgrade.
                            !tz.startsWith('GMT') && tz !== 'Greenwich' &&
                            // Etc/* are all safe to downgrade to offset (either UTC, GMT, or offset)
                            !tz.startsWith('Etc/')))) {
                    throw new TypeError('Temporal objects with an IANA timezone are not allowed in Temporal strict mode');
                }
            }
        case 'temporal/uc':
            if (strictTemporal && val.calendarId !== 'iso8601')
                throw new TypeError('Temporal objects with a non-default calendar are not allowed in Temporal strict mode');
            return val.toString({
                calendarName: 'never',
                timeZoneName: 'never',
            });
        case 'temporal/x':
            throw new TypeError('Unsupported ' + val[Symbol.toStringTag]);
    }
}
function stringifyInlineTable(obj, depth, numberAsFloat, strictTemporal) {
    let keys = Object.keys(obj);
    if (keys.length === 0)
        return '{}';
    let res = '{ ';
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (i)
            res += ', ';
        res += formatKey(k) + ' = ' + stringifyValue(obj[k], extendedTypeOf(obj[k]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' }';
}
function stringifyArray(array, depth, numberAsFloat, strictTemporal) {
    if (array.length === 0)
        return '[]';
    let res = '[ ';
    for (let i = 0; i < array.length; i++) {
        if (i)
            res += ', ';
        if (array[i] === null || array[i] === void 0) {
            throw new TypeError('arrays cannot contain null or undefined values');
        }
        res += stringifyValue(array[i], extendedTypeOf(array[i]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' ]';
}
function stringifyArrayTable(array, key, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let res = '';
    for (let i = 0; i < array.length; i++) {
        res += `${res && '\n'}[[${key}]]\n`;
        res += stringifyTable(0, array[i], key, depth, numberAsFloat, strictTemporal);
    }
    return res;
}
function stringifyTable(tableKey, obj, prefix, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let preamble = '';
    let tables = '';
    let keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (obj[k] !== null && obj[k] !== void 0) {
            let type = extendedTypeOf(obj[k]);
            if (type === 'symbol' || type === 'function') {
                throw new TypeError(`cannot serialize values of type '${type}'`);
            }
            let key = formatKey(k);
            if (type === 'array' && isArrayOfTables(obj[k])) {
                tables += (tables && '\n') + stringifyArrayTable(obj[k], prefix ? `${prefix}.${key}` : key, depth - 1, numberAsFloat, strictTemporal);
            }
            else if (type === 'object') {
                let tblKey = prefix ? `${prefix}.${key}` : key;
                tables += (tables && '\n') + stringifyTable(tblKey, obj[k], tblKey, depth - 1, numberAsFloat, strictTemporal);
            }
            else {
                preamble += key;
                preamble += ' = ';
                preamble += stringifyValue(obj[k], type, depth, numberAsFloat, strictTemporal);
                preamble += '\n';
            }
        }
    }
    if (tableKey && (preamble || !tables)) // Create table only if necessary
        preamble = preamble ? `[${tableKey}]\n${preamble}` : `[${tableKey}]`;
    return preamble && tables
        ? `${preamble}\n${tables}`
        : preamble || tables;
}
function stringify(obj, { maxDepth = 1000, numbersAsFloat = false, strictTemporal = false } = {}) {
    if (extendedTypeOf(obj) !== 'object') {
        throw new TypeError('stringify can only be called with an object');
    }
    let str = stringifyTable(0, obj, '', maxDepth, numbersAsFloat, strictTemporal);
    if (str[str.length - 1] !== '\n')
        return str + '\n';
    return str;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/index.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */





/** @deprecated use `import * as ... from 'smol-toml'` instead */
/* harmony default export */ const dist = ({ parse: parse, stringify: stringify, TomlDate: TomlDate, TomlError: TomlError });


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
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
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
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
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

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./src/runner.ts
var src_runner = __nccwpck_require__(4813);
// EXTERNAL MODULE: ./src/inputs/input-error.ts
var input_error = __nccwpck_require__(9354);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __nccwpck_require__(8431);
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
var command = __nccwpck_require__(8253);
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
/**
/**
 * Runs the plan's `buildx create …` and then each `buildx create --append …` (the `append`
 * nodes), their output folded in the log. `onStart` gets each process's id, for a post step
 * that may find it still running.
 */
async function createBuilder(args, appendArgs, name, onStart) {
    await src_runner/* group */.Os(`Creating builder ${name}`, async () => {
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
    await src_runner/* group */.Os('Setting buildx as the docker build command (install)', () => runBuildx(['install'], { show: true }));
}
/** Undoes installBuildxAlias. */
async function uninstallBuildxAlias() {
    await runBuildx(['uninstall']);
    runner.info('docker build is the docker build command again (buildx uninstall).');
}

;// CONCATENATED MODULE: ./src/host/builder.ts




/**
 * Creates the builder. A builder of the same name left by a crashed job (usual
 * on self-hosted runners) is removed and created again, unless `replace: false`.
 */
async function createReplacingLeftover(createArgs, appendArgs, name, replace, hooks) {
    try {
        await createBuilder(createArgs, appendArgs, name, hooks.onStart);
        return;
    }
    catch (error) {
        if (!isNameTaken(error)) {
            await removeHalfMadeBuilder(name);
            throw error;
        }
    }
    if (!replace) {
        hooks.notOurs();
        throw new input_error/* InputError */.d('name', `a builder named '${name}' already exists`, `remove it with \`docker buildx rm ${name}\`, set \`replace: true\`, or choose another \`name\``);
    }
    src_runner/* info */.pq(`A builder named ${name} already exists (left by an earlier job?): removing it and creating it again.`);
    await removeBuilder(name);
    try {
        await createBuilder(createArgs, appendArgs, name, hooks.onStart);
    }
    catch (error) {
        await removeHalfMadeBuilder(name);
        throw error;
    }
}
/** `buildx create --bootstrap` stores the builder before booting it: a failed boot leaves it behind. */
async function removeHalfMadeBuilder(name) {
    try {
        await removeBuilder(name);
    }
    catch (error) {
        // A cancelled job starts no command: the post step removes it, from the undo record.
        if (error instanceof command/* CommandError */.Qd && error.exitCode === command/* CANCELLED_EXIT_CODE */.pL)
            return;
        src_runner/* warning */.$e(`Could not remove the half-created builder ${name}: ${error.message}. Remove it with \`docker buildx rm ${name}\`.`);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
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
    return __nccwpck_require__.e(/* import() */ 991).then(__nccwpck_require__.bind(__nccwpck_require__, 5991));
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
 * the release's checksums file. `cache: false` (`cache-binary: false`) neither
 * looks in the tool cache nor keeps the download there. Returns the version installed.
 */
async function installBuildx(requested, cache = true) {
    return src_runner/* group */.Os(`Installing buildx ${requested}`, async () => {
        const version = requested === 'latest' ? await latestVersion() : requested.startsWith('v') ? requested : `v${requested}`;
        const asset = releaseAssetName(version, process.platform, process.arch);
        const pluginName = BUILDX_PLUGIN;
        const pluginDir = (0,paths/* cliPluginDirs */._R)(process.env)[0];
        await (0,promises_.mkdir)(pluginDir, { recursive: true });
        if (!cache) {
            await downloadVerified(version, asset, pluginName, (0,external_node_path_.join)(pluginDir, pluginName));
        }
        else {
            let cachedDir = (await toolCache()).find('buildx', version.slice(1), process.arch);
            if (cachedDir) {
                src_runner/* info */.pq(`buildx ${version} found in the tool cache: ${cachedDir}`);
            }
            else {
                cachedDir = await downloadVerified(version, asset, pluginName);
            }
            await (0,promises_.copyFile)((0,external_node_path_.join)(cachedDir, pluginName), (0,external_node_path_.join)(pluginDir, pluginName));
        }
        await (0,promises_.chmod)((0,external_node_path_.join)(pluginDir, pluginName), 0o755);
        src_runner/* info */.pq(`Installed as ${(0,external_node_path_.join)(pluginDir, pluginName)}`);
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
/** Downloads the binary and checksums.txt, verifies, and caches the binary (or, given `copyTo`, copies it there instead). */
async function downloadVerified(version, asset, pluginName, copyTo) {
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
        if (copyTo) {
            await (0,promises_.copyFile)(binary, copyTo);
            src_runner/* info */.pq(`buildx ${version} downloaded and verified (sha256 ${actual}); not cached (cache-binary: false)`);
            return copyTo;
        }
        const cachedDir = await tc.cacheFile(binary, pluginName, 'buildx', version.slice(1), process.arch);
        src_runner/* info */.pq(`buildx ${version} downloaded, verified (sha256 ${actual}) and cached`);
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
async function ensureBuildx(requested, cache = true) {
    if (requested !== '') {
        await installBuildx(requested, cache);
    }
    else if (!buildxPluginPath(process.env)) {
        src_runner/* info */.pq('docker buildx is not installed: installing the latest release (set `buildx-version` to pin one).');
        await installBuildx('latest', cache);
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: ./src/host/builder-lease.ts





/** Where the lease of builder `name` lives: beside buildx's builder store, which has the same reach. */
function leasePath(name, env) {
    return (0,external_node_path_.join)((0,paths/* dockerConfigDir */.kG)(env), 'buildx', 'setup-buildkit-registry-leases', `${name}.json`);
}
/** A process's start time, from /proc (clock ticks since boot); undefined when it is gone or unknown. */
function processStart(pid) {
    try {
        // Field 22, counted after the command name, which is in parentheses and may hold spaces.
        const stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    }
    catch {
        return undefined;
    }
}
/** The lease this job would take. */
function ownLease(builder, env) {
    const job = [
        env.GITHUB_REPOSITORY,
        env.GITHUB_RUN_ID && `run ${env.GITHUB_RUN_ID}`,
        env.GITHUB_JOB && `job ${env.GITHUB_JOB}`
    ];
    return {
        builder,
        host: (0,external_node_os_.hostname)(),
        pid: process.ppid,
        started: processStart(process.ppid) ?? '',
        job: job.filter(part => !!part).join(', ') || `process ${process.ppid}`
    };
}
/** True while the job that holds `lease` runs; a lease from another machine counts as held (nothing tells). */
function isHeld(lease) {
    if (lease.host !== (0,external_node_os_.hostname)())
        return true;
    return lease.started !== '' && processStart(lease.pid) === lease.started;
}
function sameHolder(a, b) {
    return a.host === b.host && a.pid === b.pid && a.started === b.started;
}
async function readLease(path) {
    try {
        return JSON.parse(await (0,promises_.readFile)(path, 'utf8'));
    }
    catch {
        // None, or not one of ours to read: as if none.
        return undefined;
    }
}
/**
 * Takes the lease on `lease.builder` for this job: made with O_EXCL, so of two
 * jobs starting at once one wins; a lease whose job is gone is taken over.
 * Returns the job that holds it when that is another, live job.
 */
async function takeLease(path, lease) {
    await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
    const content = `${JSON.stringify(lease)}\n`;
    try {
        await (0,promises_.writeFile)(path, content, { flag: 'wx' });
        return undefined;
    }
    catch (error) {
        if (error.code !== 'EEXIST')
            throw error;
    }
    const held = await readLease(path);
    if (held && !sameHolder(held, lease) && isHeld(held))
        return held;
    await (0,promises_.writeFile)(path, content);
    return undefined;
}
/** Post: removes the lease if it is still this job's. */
async function releaseLease(path, lease) {
    const held = await readLease(path);
    if (held && sameHolder(held, lease))
        await rm(path, { force: true });
}

;// CONCATENATED MODULE: ./src/host/files.ts




/**
 * The path of a new job directory, unique even for concurrent jobs. Chosen
 * before it is made, so main can record it first: a job cancelled in between
 * leaves post a directory to remove, never one it does not know of.
 */
function newJobDirPath(parent) {
    return (0,external_node_path_.join)(parent, `setup-buildkit-registry-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
}
/** Makes the job directory, which only this user can enter; fails if anything is there already. */
async function createJobDir(dir) {
    await inRunnerTemp(dir, async () => {
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(dir), { recursive: true });
        await (0,promises_.mkdir)(dir, { mode: 0o700 });
        await (0,promises_.chmod)(dir, 0o700);
    });
}
/**
 * Writes each file with its mode. `wx` refuses to follow or overwrite
 * anything already there, and the explicit chmod undoes the umask.
 */
async function writePlannedFiles(files, jobDir) {
    await inRunnerTemp(jobDir, async () => {
        for (const file of files) {
            await (0,promises_.mkdir)((0,external_node_path_.dirname)(file.path), { recursive: true, mode: 0o700 });
            await (0,promises_.writeFile)(file.path, file.content, { mode: file.mode, flag: 'wx' });
            await (0,promises_.chmod)(file.path, file.mode);
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
        throw new Error(`cannot write the job's files in RUNNER_TEMP (${(0,external_node_path_.dirname)(jobDir)}): ${why[code]} (${code}). Free space there, or give the runner a writable temp directory`);
    }
}
/** Removes the directory and all in it; false when it was already gone. */
async function removeJobDir(dir) {
    const existed = (0,external_node_fs_.existsSync)(dir);
    await (0,promises_.rm)(dir, { recursive: true, force: true });
    return existed;
}

;// CONCATENATED MODULE: ./src/host/processes.ts



/** The first `command` on PATH that this user may run; undefined when there is none. */
function findOnPath(command, env) {
    for (const dir of (env.PATH ?? '').split(external_node_path_.delimiter).filter(dir => dir !== '')) {
        try {
            (0,external_node_fs_.accessSync)((0,external_node_path_.join)(dir, command), external_node_fs_.constants.X_OK);
            return (0,external_node_path_.join)(dir, command);
        }
        catch {
            // Not in this directory.
        }
    }
    return undefined;
}
/** The command line of process `pid`, joined by spaces; undefined when it is gone (or no /proc). */
function commandLine(pid) {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    }
    catch {
        return undefined;
    }
}
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/**
 * Stops a command main started that outlived it (main was killed before it
 * could stop it), if `pid` is still that command: its command line must name
 * `mark` (the builder), so a reused pid is never touched. SIGTERM, then
 * SIGKILL after `graceMs`. True when there was one to stop.
 */
async function stopStrayCommand(pid, mark, graceMs) {
    const isIt = () => commandLine(pid)?.includes(mark) ?? false;
    if (!isIt())
        return false;
    const signal = (name) => {
        try {
            process.kill(pid, name);
        }
        catch {
            // Gone meanwhile.
        }
    };
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isIt() && Date.now() < deadline)
        await sleep(50);
    if (isIt())
        signal('SIGKILL');
    while (isIt())
        await sleep(50);
    return true;
}

;// CONCATENATED MODULE: ./src/inputs/append.ts


const KEYS = ['name', 'endpoint', 'driver-opts', 'buildkitd-flags', 'platforms'];
const FIX = 'write a YAML list of nodes, each with `name`, `endpoint`, `driver-opts` (a list), `buildkitd-flags`, `platforms`';
/**
 * The `append` input: a YAML list of extra nodes, read with js-yaml as docker/setup-buildx-action
 * reads it (`yaml.load`, src/main.ts). js-yaml is loaded only when `append` is set: it costs
 * about 9 ms to load, which most runs would pay for nothing.
 */
async function readAppendNodes(text) {
    if (text.trim() === '')
        return [];
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 3243));
    let loaded;
    try {
        loaded = yaml.load(text);
    }
    catch (error) {
        if (error instanceof yaml.YAMLException) {
            throw new input_error/* InputError */.d('append', `invalid YAML: ${error.reason}`, FIX, error.mark ? error.mark.line + 1 : undefined);
        }
        throw error;
    }
    if (loaded === null || loaded === undefined)
        return [];
    if (!Array.isArray(loaded))
        throw new input_error/* InputError */.d('append', 'is not a YAML list', `${FIX}, each starting with \`- \``);
    return loaded.map((node, index) => appendNode(node, index + 1));
}
function appendNode(node, number) {
    const where = `node ${number}`;
    if (typeof node !== 'object' || node === null || Array.isArray(node))
        throw new input_error/* InputError */.d('append', `${where} is not a mapping`, FIX);
    const fields = node;
    // Theirs ignores other keys; so does this, but says so (a typo such as `driver_opts` would drop settings).
    const unknown = Object.keys(fields).filter(key => !KEYS.includes(key));
    if (unknown.length > 0)
        src_runner/* warning */.$e(`Input 'append', ${where}: ignoring ${unknown.join(', ')} (known keys: ${KEYS.join(', ')})`);
    const text = (key) => {
        const value = fields[key];
        if (value === undefined || value === null)
            return undefined;
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
            return String(value);
        throw new input_error/* InputError */.d('append', `${where}: \`${key}\` is not a string`, FIX);
    };
    const list = (key) => {
        const value = fields[key];
        if (value === undefined || value === null)
            return [];
        if (Array.isArray(value) && value.every(item => typeof item === 'string'))
            return value;
        throw new input_error/* InputError */.d('append', `${where}: \`${key}\` is not a list of strings`, `write it as a YAML list: \`${key}: [a=1, b=2]\``);
    };
    const platforms = Array.isArray(fields.platforms) ? list('platforms').join(',') : text('platforms');
    return {
        name: text('name'),
        endpoint: text('endpoint'),
        driverOpts: list('driver-opts'),
        buildkitdFlags: text('buildkitd-flags'),
        platforms
    };
}

// EXTERNAL MODULE: ./src/inputs/read-inputs.ts + 6 modules
var read_inputs = __nccwpck_require__(6717);
// EXTERNAL MODULE: ./src/plan/client-trust.ts
var client_trust = __nccwpck_require__(7095);
// EXTERNAL MODULE: ./src/inputs/registries.ts
var inputs_registries = __nccwpck_require__(6182);
// EXTERNAL MODULE: ./src/model.ts
var model = __nccwpck_require__(182);
// EXTERNAL MODULE: ./node_modules/smol-toml/dist/index.js + 8 modules
var dist = __nccwpck_require__(3292);
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



/** Where buildx puts the config in the BuildKit container or pod (buildx util/confutil DefaultBuildKitConfigDir). */
const CONTAINER_CONFIG_PATH = '/etc/buildkit/buildkitd.toml';
/** The drivers docker/setup-buildx-action gives its default buildkitd flags (context.ts driverSupportsBuildkitdFlags). */
const FLAGS_DRIVERS = ['docker-container', 'docker', 'kubernetes'];
/**
 * The `docker buildx create` arguments of the first node and of each `append` node, and the
 * decisions taken on the user's behalf (for the log). `hosts` are every registry and mirror.
 * The docker driver creates nothing: the daemon's builder exists already.
 */
function buildxCreateArgs(builder, configPath, endpointOpts, hosts, append = []) {
    const notes = [];
    if (builder.driver === 'docker')
        return { args: [], appendArgs: [], notes };
    const loopback = hosts.filter(model/* isLoopback */.U9).map(host => host.text);
    const driverOpts = withHostNetwork(builder.driver, [...builder.driverOpts, ...endpointOpts], loopback);
    if (driverOpts.length > builder.driverOpts.length + endpointOpts.length) {
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
    const flags = nodeFlags(builder.driver, driverOpts, builder.buildkitdFlags, notes);
    if (flags !== '')
        args.push('--buildkitd-flags', flags);
    if (builder.platforms.length > 0)
        args.push('--platform', builder.platforms.join(','));
    if (builder.bootstrap && append.length === 0)
        args.push('--bootstrap');
    if (builder.use)
        args.push('--use');
    if (builder.endpoint !== '')
        args.push(builder.endpoint);
    // As docker/setup-buildx-action (context.ts getAppendArgs), plus the generated config for each
    // node, and the default flags even for a node without `driver-opts` (theirs then passes none).
    const appendArgs = append.map((node, index) => {
        const nodeArgs = ['buildx', 'create', '--name', builder.name, '--append'];
        if (node.name)
            nodeArgs.push('--node', node.name);
        if (builder.driver !== 'remote')
            nodeArgs.push('--config', configPath);
        for (const opt of withHostNetwork(builder.driver, node.driverOpts, loopback))
            nodeArgs.push('--driver-opt', opt);
        const flags = nodeFlags(builder.driver, node.driverOpts, node.buildkitdFlags ?? builder.buildkitdFlags, notes);
        if (flags !== '')
            nodeArgs.push('--buildkitd-flags', flags);
        if (node.platforms)
            nodeArgs.push('--platform', node.platforms);
        // The last node boots them all: `--bootstrap` boots every node of the builder.
        if (builder.bootstrap && index === append.length - 1)
            nodeArgs.push('--bootstrap');
        if (node.endpoint)
            nodeArgs.push(node.endpoint);
        return nodeArgs;
    });
    return { args, appendArgs, notes };
}
/** A docker-container node reaches registries on the runner's loopback only on the host's network. */
function withHostNetwork(driver, driverOpts, loopback) {
    const networkSet = driverOpts.some(opt => opt.startsWith('network='));
    return driver === 'docker-container' && loopback.length > 0 && !networkSet
        ? [...driverOpts, 'network=host']
        : driverOpts;
}
/**
 * A node's buildkitd flags. buildx's kubernetes driver mounts the config at
 * /etc/buildkit/buildkitd.toml (a ConfigMap, driver/kubernetes/manifest/manifest.go) and, unlike
 * docker-container (driver.go getBuildkitFlags, since buildx v0.12), adds no `--config`: a
 * rootless buildkitd would read ~/.config/buildkit/buildkitd.toml instead and ignore every
 * registry setting. So a rootless kubernetes node gets `--config` pointing at the mount.
 */
function nodeFlags(driver, driverOpts, flags, notes) {
    // Other drivers get flags only when set (theirs too); remote never (buildx: not supported).
    if (driver === 'remote' || (!FLAGS_DRIVERS.includes(driver) && flags === read_inputs/* DEFAULT_BUILDKITD_FLAGS */.Ji))
        return '';
    const rootless = driverOpts.some(opt => /^rootless=(1|t|T|TRUE|true|True)$/.test(opt));
    if (driver !== 'kubernetes' || !rootless || /(^|\s)--config(=|\s|$)/.test(flags))
        return flags;
    const note = `rootless=true: a rootless buildkitd reads ~/.config/buildkit/buildkitd.toml, not the ${CONTAINER_CONFIG_PATH} buildx mounts: adding --config ${CONTAINER_CONFIG_PATH} to its buildkitd flags`;
    if (!notes.includes(note))
        notes.push(note);
    return `${flags} --config ${CONTAINER_CONFIG_PATH}`.trim();
}

// EXTERNAL MODULE: ./src/plan/tls-files.ts
var tls_files = __nccwpck_require__(6556);
;// CONCATENATED MODULE: ./src/plan/plan.ts







/** Builds the plan from validated inputs; `dir` is the job's private directory. Pure. */
function buildPlan(inputs, dir, append = []) {
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
        section.mirrors = [...(section.mirrors ?? []), ...mirrors.map(inputs_registries/* mirrorText */.jB)];
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
    const { args: createArgs, appendArgs, notes } = buildxCreateArgs(inputs.builder, configPath, endpointOpts, hosts, append);
    // The docker driver's builder reads no buildkitd.toml: nothing to write (the daemon's trust is host/daemon-trust.ts).
    const written = inputs.builder.driver === 'docker' ? [] : files;
    return {
        dir,
        configPath,
        certsDir,
        toml,
        files: written,
        registries,
        createArgs,
        appendArgs,
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

;// CONCATENATED MODULE: ./src/steps/cancellation.ts


// A cancelled job: the runner sends SIGINT to the step's process (not to the
// commands it started), SIGTERM 7.5 s later, SIGKILL 2.5 s after that, and
// then runs the post step. Node's default is to exit at once on SIGINT, which
// would leave a `buildx create --bootstrap` running on its own, finishing a
// builder after the post step has looked for it. Instead main stops its
// commands and lets its own failure path run (nothing new starts meanwhile);
// everything it made is already in the undo record, for post.
/** How long a stopped command may take before SIGKILL: well inside the runner's 7.5 s. */
const COMMAND_GRACE_MS = 3000;
/** After the first signal, main ends by itself at the latest here, before the runner's SIGTERM. */
const MAIN_DEADLINE_MS = 6000;
let cancelled = false;
/** True once the runner has asked the step to stop. */
function isCancelled() {
    return cancelled;
}
/** Installs the handlers for the main step. */
function stopOnCancel() {
    const onSignal = (signal) => {
        if (cancelled) {
            // The runner's second word: stop now; the commands were told to stop at the first.
            process.exit(1);
        }
        cancelled = true;
        src_runner/* info */.pq(`${signal}: the job was cancelled; stopping this step's commands (the post step removes what was made).`);
        void (0,command/* stopAllCommands */.mB)(COMMAND_GRACE_MS);
        // The failure path normally ends the step well before this.
        setTimeout(() => process.exit(1), MAIN_DEADLINE_MS).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
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
        src_runner/* saveState */.LZ(StateKey.Undo, JSON.stringify(this.record));
    }
}
/** What main recorded; empty when it recorded nothing. */
function savedUndoRecord() {
    const saved = runner.getState(StateKey.Undo);
    return saved === '' ? {} : JSON.parse(saved);
}

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
    src_runner/* appendSummary */.fe(parts.map(part => part + external_node_os_.EOL).join(''));
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
    stopOnCancel();
    const undo = new UndoLog();
    try {
        const inputs = (0,read_inputs/* readInputs */.Ko)();
        const { builder, host } = inputs;
        const append = await readAppendNodes(builder.appendYaml);
        requireDockerCli();
        // Recorded before it exists: whenever the job is cancelled, post knows every thing main made.
        const dir = newJobDirPath((0,paths/* runnerTempDir */.cl)(process.env));
        undo.add({ jobDir: dir });
        await createJobDir(dir);
        let plan;
        let preflight;
        let daemon;
        let roots;
        try {
            plan = buildPlan(inputs, dir, append);
            report(plan, inputs.config.baseConfig?.input);
            if (builder.driver === 'docker')
                await reportDaemonBuilder(inputs, plan, append);
            // Read before anything is written: preflight fetches tokens with the trust later steps will have.
            roots = plan.clientTrust ? (await __nccwpck_require__.e(/* import() */ 780).then(__nccwpck_require__.bind(__nccwpck_require__, 1780))).readRunnerRoots(process.env) : undefined;
            preflight = await startPreflight(plan, inputs, roots);
            // `error` mode stops here, before anything is written; `warn` lets the probes run while the builder boots.
            if (inputs.preflight.mode === 'error')
                await preflight?.settle();
            daemon = await openDaemonAccessIfAsked(host);
            await ensureBuildx(builder.buildxVersion, builder.cacheBinary);
            await writePlannedFiles(plan.files, dir);
            // The docker driver's builder is the daemon's: nothing to create (plan.createArgs is empty).
            if (plan.createArgs.length > 0) {
                await leaseBuilderName(builder.name, undo);
                const record = {
                    name: builder.name,
                    driver: builder.driver,
                    removeInPost: builder.cleanup,
                    keepState: builder.keepState
                };
                undo.add({ builder: record });
                await createReplacingLeftover(plan.createArgs, plan.appendArgs, builder.name, builder.replace, {
                    onStart: createPid => undo.add({ builder: { ...record, createPid } }),
                    notOurs: () => undo.add({ builder: undefined })
                });
            }
        }
        catch (error) {
            // A failed create is often what preflight explains: show its findings too.
            await preflight?.settle().catch(() => undefined);
            // Nothing half-made stays behind: the post step would find nothing to undo.
            await removeJobDir(dir);
            undo.add({ jobDir: undefined });
            throw error;
        }
        if (builder.installAlias) {
            undo.add({ buildxAlias: true });
            await installBuildxAlias();
        }
        // The outputs docker/setup-buildx-action sets (nodes, platforms, …) are what buildx inspect
        // says; it runs while preflight settles and the host is changed.
        const inspected = inspectBuilder(builder.name);
        // Awaited below; a failure meanwhile must not count as unhandled (which ends node at once).
        inspected.catch(() => undefined);
        const results = await preflight?.settle();
        const notes = await changeHost(plan, host, daemon, undo, roots, results);
        const info = await inspected;
        if (!info)
            throw new Error(`buildx does not know builder ${builder.name} after creating it`);
        const outputs = builderOutputs(info);
        src_runner/* setOutput */.uH('name', builder.name);
        src_runner/* setOutput */.uH('driver', outputs.driver || builder.driver);
        if (plan.files.length > 0) {
            src_runner/* setOutput */.uH('config', plan.configPath);
            src_runner/* setOutput */.uH('certs-dir', plan.certsDir);
            src_runner/* setOutput */.uH('config-dir', plan.dir);
        }
        src_runner/* setOutput */.uH('platforms', outputs.platforms);
        src_runner/* setOutput */.uH('nodes', outputs.nodes);
        src_runner/* setOutput */.uH('endpoint', outputs.endpoint);
        src_runner/* setOutput */.uH('status', outputs.status);
        src_runner/* setOutput */.uH('flags', outputs.flags);
        writeSummary(plan, builder.name, results, notes);
        src_runner/* info */.pq(`Builder ${builder.name} is ready${builder.use ? ' and is now the default for docker buildx' : ''}.`);
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        src_runner/* setFailed */.C1(isCancelled()
            ? `The job was cancelled during this step; the post step removes what it made (${message})`
            : message);
    }
}
/**
 * Claims the builder name for this job (see host/builder-lease.ts): a name a
 * running job holds is refused here, before `buildx create` could replace its builder.
 */
async function leaseBuilderName(name, undo) {
    const holder = ownLease(name, process.env);
    const path = leasePath(name, process.env);
    undo.add({ lease: { path, holder } });
    const other = await takeLease(path, holder);
    if (!other)
        return;
    undo.add({ lease: undefined });
    throw new input_error/* InputError */.d('name', `the builder '${name}' is in use by a job that is still running (${other.job}, runner process ${other.pid} on ${other.host})`, "leave `name` empty for a builder of this job's own, or give each job its own name: a builder cannot be shared, the first job's post step removes it");
}
/** The action runs buildx, and the job's later steps run `docker`: without the CLI nothing would work. */
function requireDockerCli() {
    if (findOnPath('docker', process.env))
        return;
    throw new Error(`\`docker\` is not on PATH (${process.env.PATH ?? ''}): this action and the steps after it run the Docker CLI. Install Docker on the runner, or add the directory that holds \`docker\` to PATH`);
}
/** driver: docker: what reaches the daemon's builder, and what cannot (warned). */
async function reportDaemonBuilder(inputs, plan, append) {
    const { daemonBuilderReport } = await __nccwpck_require__.e(/* import() */ 853).then(__nccwpck_require__.bind(__nccwpck_require__, 6853));
    const { applies, cannot } = daemonBuilderReport(inputs, plan.registries, append);
    for (const line of applies)
        src_runner/* info */.pq(line);
    for (const line of cannot)
        src_runner/* warning */.$e(line, { title: 'driver: docker' });
}
/** Starts the probes the inputs ask for; the preflight code is loaded only then. */
async function startPreflight(plan, inputs, roots) {
    const { mode, timeoutSeconds } = inputs.preflight;
    if (mode === 'off' || plan.registries.length === 0)
        return undefined;
    const { enforcePreflight, reportPreflight, runPreflight } = await __nccwpck_require__.e(/* import() */ 513).then(__nccwpck_require__.bind(__nccwpck_require__, 8513));
    const probes = runPreflight(plan.registries, timeoutSeconds, {
        credentials: await loginCredentials(plan, inputs.host.credentials),
        tokenTrust: new Map(plan.registries.map(registry => [registry.host.text, (0,client_trust/* tokenTrustFor */.Ff)(registry, plan.clientTrust, roots)]))
    });
    let settled;
    const settle = async () => {
        const results = await probes;
        reportPreflight(results);
        src_runner/* setOutput */.uH('preflight', JSON.stringify(results));
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
    const { storedCredentials } = await __nccwpck_require__.e(/* import() */ 0).then(__nccwpck_require__.bind(__nccwpck_require__, 8000));
    const stored = others.length > 0 ? storedCredentials((0,paths/* dockerConfigFile */.dO)(process.env), others) : [];
    for (const credential of stored)
        src_runner/* setSecret */.Pq(credential.password);
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
    const { openDaemonAccess } = await __nccwpck_require__.e(/* import() */ 375).then(__nccwpck_require__.bind(__nccwpck_require__, 4375));
    return openDaemonAccess();
}
/** The machine beyond the builder, as the inputs ask, each recorded for post before it changes. Returns notes for the summary. */
async function changeHost(plan, host, daemon, undo, roots, results) {
    if (host.installConfig !== '')
        await installForSelfHostedBuildkitd(plan, host.installConfig, undo);
    const notes = [];
    if (daemon && host.daemonTrust !== 'off') {
        const { trustDaemon } = await __nccwpck_require__.e(/* import() */ 375).then(__nccwpck_require__.bind(__nccwpck_require__, 4375));
        const { realmRegistries } = await __nccwpck_require__.e(/* import() */ 280).then(__nccwpck_require__.bind(__nccwpck_require__, 4280));
        // The daemon fetches tokens too: the realms preflight found get certs.d entries as well.
        const realms = realmRegistries(plan.registries, results ?? []);
        if (!results && plan.registries.some(registry => registry.transport === 'tls'))
            src_runner/* info */.pq('Docker daemon: with `preflight: off` no token realms were looked up; only the registries are trusted.');
        notes.push(...(await trustDaemon(daemon, host.daemonTrust, [...plan.registries, ...realms], plan.dir, record => undo.add({ daemonTrust: record }))));
    }
    for (const note of notes)
        src_runner/* warning */.$e(note, { title: 'Docker daemon trust' });
    if (host.credentials.length > 0)
        await writeCredentials(host.credentials, plan.dir, undo);
    if (plan.clientTrust) {
        const { installClientTrust } = await __nccwpck_require__.e(/* import() */ 780).then(__nccwpck_require__.bind(__nccwpck_require__, 1780));
        await installClientTrust(plan.clientTrust, roots, process.env, record => undo.add({ clientTrust: record }));
    }
    return notes;
}
function report(plan, baseConfigInput) {
    for (const note of plan.notes)
        src_runner/* info */.pq(note);
    for (const key of plan.overridden) {
        src_runner/* warning */.$e(`\`${baseConfigInput}\` sets ${key}; the action's inputs replace it.`);
    }
    for (const registry of plan.registries) {
        const origin = registry.source === 'mirror' ? ' (a mirror not listed in `registries`: TLS, verified)' : '';
        src_runner/* info */.pq(`${registry.host.text}: ${registry.mode}${origin}; writes ${registry.written.join(', ')}`);
    }
    // The file holds paths and settings only, never certificate or key contents.
    src_runner/* startGroup */.Oh(`buildkitd.toml (${plan.configPath})`);
    src_runner/* info */.pq(plan.toml);
    src_runner/* endGroup */.N4();
}
/** Docker client credentials, which buildx reads for pushes; no daemon round trip, so no daemon trust needed. */
async function writeCredentials(credentials, jobDir, undo) {
    const { addAuths } = await __nccwpck_require__.e(/* import() */ 731).then(__nccwpck_require__.bind(__nccwpck_require__, 1731));
    const path = (0,paths/* dockerConfigFile */.dO)(process.env);
    const { added, servedByHelpers } = await addAuths(credentials, path, (0,external_node_path_.join)(jobDir, 'docker-config.json.backup'), added => {
        for (const entry of added.entries)
            if (entry.prior !== '')
                src_runner/* setSecret */.Pq(entry.prior);
        undo.add({ addedAuths: added });
    });
    src_runner/* info */.pq(`Credentials for ${credentials.map(credential => credential.host).join(', ')} written to ${added.path}`);
    if (servedByHelpers.length > 0) {
        src_runner/* warning */.$e(`${added.path} sends ${servedByHelpers.join(', ')} to a credential store or helper, so docker and buildx will not read the credentials written there: log in with docker/login-action instead.`);
    }
}
/** For a buildkitd the runner starts itself: the generated config where it reads it, restored by post. */
async function installForSelfHostedBuildkitd(plan, path, undo) {
    const { installConfigFile } = await __nccwpck_require__.e(/* import() */ 863).then(__nccwpck_require__.bind(__nccwpck_require__, 9863));
    const installed = await installConfigFile(plan.toml, path, plan.dir, record => undo.add({ installedConfig: record }));
    const replaced = installed.before ? ' (the file that was there is restored by the post step)' : '';
    src_runner/* info */.pq(`Wrote the config to ${path}${replaced}; a running buildkitd reads it when it restarts.`);
}

;// CONCATENATED MODULE: ./src/index.ts

// action.yml's `main`. The post step has an entry of its own (post-index.ts), not a branch on
// saved state: a job cancelled before main saved anything must not run main again as its post.
void runMain();

