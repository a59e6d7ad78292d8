export const id = 653;
export const ids = [653];
export const modules = {

/***/ 653:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  untrustDaemon: () => (/* binding */ untrustDaemon)
});

// UNUSED EXPORTS: openDaemonAccess, trustDaemon

// EXTERNAL MODULE: ./src/actions-core.ts
var actions_core = __webpack_require__(938);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
// EXTERNAL MODULE: ./src/paths.ts
var paths = __webpack_require__(431);
// EXTERNAL MODULE: ./src/host/process/command.ts + 2 modules
var command = __webpack_require__(805);
// EXTERNAL MODULE: ./src/host/edits/file-access.ts
var file_access = __webpack_require__(15);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(975);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(455);
// EXTERNAL MODULE: ./src/host/process/job-owner.ts
var job_owner = __webpack_require__(517);
// EXTERNAL MODULE: ./src/host/process/processes.ts
var processes = __webpack_require__(93);
// EXTERNAL MODULE: ./src/sleep.ts
var sleep = __webpack_require__(972);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
;// CONCATENATED MODULE: ./src/host/edits/file-lock.ts




// A lock between processes, possibly of different users, on a file one machine shares (daemon.json):
// a symlink whose target text names its holder (host, pid, start time), as Emacs locks a file it
// edits. Making a symlink is atomic and fails when the name exists, and it carries its text in the
// same step: a lock is never seen empty. It is made through the same FileAccess (sudo or not) as
// the file it guards, so it can sit beside it where only root writes. A lock whose holder is gone
// (the pid is dead, or is a later process: another start time) is taken over, under a guard link
// so that two jobs taking over at once cannot both remove it and each think it theirs.
/** How long a job waits for another job's change of the file: a daemon reload takes seconds. */
const WAIT_MS = 120000;
/** This process, as a lock names it. */
function holderText() {
    return `${(0,external_node_os_.hostname)()} ${process.pid} ${(0,processes/* processStartTime */.X0)(process.pid) ?? ''}`;
}
/** Whether the holder a lock names still runs; one on another machine counts as running (nothing tells). */
function isRunning(holder) {
    const [host, pid, started] = holder.split(' ');
    if (host !== (0,external_node_os_.hostname)())
        return true;
    return started !== undefined && started !== '' && (0,processes/* processStartTime */.X0)(Number(pid)) === started;
}
async function holderOf(path) {
    return (0,promises_.readlink)(path).catch(() => undefined);
}
/** One try: true when this process now holds the lock at `path`. */
async function tryTake(fs, path, me) {
    if (await fs.makeLink(path, me))
        return true;
    const holder = await holderOf(path);
    if (holder === undefined || isRunning(holder))
        return false;
    const guard = `${path}.takeover`;
    if (!(await fs.makeLink(guard, me))) {
        const guardHolder = await holderOf(guard);
        if (guardHolder !== undefined && !isRunning(guardHolder))
            await fs.rm(guard);
        return false;
    }
    try {
        // Still the holder found gone: no other job took it over meanwhile.
        if ((await holderOf(path)) === holder)
            await fs.rm(path);
        return await fs.makeLink(path, me);
    }
    finally {
        await fs.rm(guard);
    }
}
/**
 * Runs `change` holding the lock at `path`, waiting for another job's hold to end. `what` names
 * the guarded file in the error of a wait that lasts too long.
 */
async function file_lock_withFileLock(fs, path, what, change) {
    const me = holderText();
    const deadline = Date.now() + WAIT_MS;
    while (!(await tryTake(fs, path, me))) {
        if (Date.now() > deadline) {
            const holder = (await holderOf(path)) ?? 'nobody now';
            throw new Error(`${what} is locked by another job for more than ${WAIT_MS / 1000} s (${path} names host, pid and start ` +
                `time: ${holder}); if no job of this action runs there, remove ${path}`);
        }
        await (0,sleep/* sleep */.y)(100 + Math.random() * 100);
    }
    try {
        return await change();
    }
    finally {
        if ((await holderOf(path)) === me)
            await fs.rm(path);
    }
}

// EXTERNAL MODULE: ./src/host/edits/file-undo.ts
var file_undo = __webpack_require__(899);
// EXTERNAL MODULE: ./src/host/edits/json-file.ts
var json_file = __webpack_require__(319);
;// CONCATENATED MODULE: ./src/host/edits/daemon-json.ts










/** For a daemon.json the action creates: 2 spaces, as dockerd's documentation writes it. */
const DAEMON_JSON_INDENT = '  ';
const lockPath = (daemonJson) => `${daemonJson}.setup-buildkit-registry.lock`;
const ledgerPath = (daemonJson) => `${daemonJson}.setup-buildkit-registry.json`;
function insecureRegistries(config) {
    return config['insecure-registries'] ?? [];
}
async function readLedger(daemonJson) {
    const text = (await (0,file_undo/* readIfExists */.OR)(ledgerPath(daemonJson)))?.toString('utf8');
    try {
        const ledger = text === undefined ? undefined : JSON.parse(text);
        return typeof ledger?.jobs === 'object' && ledger.jobs !== null ? ledger : undefined;
    }
    catch {
        return undefined;
    }
}
/** Readable by whom daemon.json is (the ledger holds its text, which may hold a proxy's password). */
async function writeLedger(fs, daemonJson, ledger) {
    if (Object.keys(ledger.jobs).length === 0) {
        await fs.rm(ledgerPath(daemonJson));
        return;
    }
    const meta = await metaOf(daemonJson).catch(() => ({ mode: 0o644 }));
    await fs.writeFile(ledgerPath(daemonJson), `${JSON.stringify(ledger)}\n`, meta);
}
/** The ledger's entries of jobs that still run (a crashed job's hosts stay in the file, its entry goes). */
function runningJobs(ledger) {
    return Object.fromEntries(Object.entries(ledger?.jobs ?? {}).filter(([, job]) => (0,processes/* processStartTime */.X0)(job.pid) === job.started));
}
/**
 * Adds `hosts` to insecure-registries and reloads the daemon, under the lock. The file before is
 * backed up to `jobDir`; `save` runs before the write. Undefined when all were listed already.
 */
async function daemon_json_addInsecureRegistries(fs, paths, hosts, jobDir, save) {
    const path = paths.daemonJson;
    await fs.mkdirs(dirname(path));
    return withFileLock(fs, lockPath(path), path, async () => {
        const text = (await readIfExists(path))?.toString('utf8');
        const config = parseJsonObject(path, text ?? '');
        const listed = insecureRegistries(config);
        const added = hosts.filter(host => !listed.includes(host));
        if (added.length === 0)
            return undefined;
        const content = stringifyLike(text, { ...config, 'insecure-registries': [...listed, ...added] }, DAEMON_JSON_INDENT);
        const before = await backUp(path, join(jobDir, 'daemon.json.backup'));
        const job = basename(jobDir);
        const record = { pidFile: paths.pidFile, added, job, change: { path, before, written: sha256(content) } };
        save(record);
        const ledger = await readLedger(path);
        const jobs = runningJobs(ledger);
        const pid = jobProcess();
        await writeLedger(fs, path, {
            // A ledger whose jobs all crashed still knows the file before them: their hosts are still in
            // it, for a later job's reclaim (steps/reclaim-phase.ts), which then gives the file back whole.
            original: ledger ? ledger.original : text,
            written: sha256(content),
            jobs: { ...jobs, [job]: { hosts: added, pid, started: processStartTime(pid) ?? '' } }
        });
        await fs.writeFile(path, content, before ?? { mode: 0o644 });
        await reloadDaemon(fs, paths.pidFile, added, true);
        return record;
    });
}
/**
 * Removes the job's hosts from insecure-registries as the file is now, under the lock, and reloads
 * the daemon; other jobs' hosts and anyone's other changes stay. The last job out gives the file
 * back as it was before the first job (bytes, or no file) when that is what is left. A note for a
 * file someone other than this action changed since.
 */
async function removeInsecureRegistries(fs, json) {
    const { path } = json.change;
    return file_lock_withFileLock(fs, lockPath(path), path, async () => {
        const now = await (0,file_undo/* fileNow */.V0)(json.change);
        const ledger = await readLedger(path);
        const others = runningJobs(ledger);
        if (json.job)
            delete others[json.job];
        if (ledger)
            await writeLedger(fs, path, { ...ledger, jobs: others });
        if (now.state === 'as-before')
            return [];
        if (now.text === undefined)
            return [
                `${path} was removed after the main step; the Docker daemon may still list ${json.added.join(', ')} in ` +
                    'insecure-registries until it reloads.'
            ];
        // Without a ledger (removed by hand), the job's own backup is the file before.
        const original = ledger ? ledger.original : await backupText(json.change);
        const originalConfig = original === undefined ? undefined : (0,json_file/* parseJsonObject */.d)(path, original);
        const current = (0,json_file/* parseJsonObject */.d)(path, now.text);
        const ours = insecureRegistries(current).filter(host => json.added.includes(host));
        const remaining = { ...current, 'insecure-registries': insecureRegistries(current).filter(h => !ours.includes(h)) };
        const last = Object.keys(others).length === 0;
        const keyGoes = last &&
            !(originalConfig && 'insecure-registries' in originalConfig) &&
            remaining['insecure-registries'].length === 0;
        const final = keyGoes ? withoutKey(remaining) : remaining;
        const meta = await metaOf(path);
        const layout = (config) => (0,json_file/* stringifyLike */.w)(now.text, config, DAEMON_JSON_INDENT);
        if (ours.length > 0) {
            // dockerd's reload leaves insecure-registries as they were when the key is absent: it must
            // see an explicit list first, even when the key then goes.
            await fs.writeFile(path, layout(remaining), meta);
            await reloadDaemon(fs, json.pidFile, ours, false);
        }
        if (last && (0,external_node_util_.isDeepStrictEqual)(final, originalConfig ?? {})) {
            // Nothing else changed since the first job: the file as it was, byte for byte, or none; its
            // mode and owner from before the job when there was a file, else as they are now.
            if (original === undefined)
                await fs.rm(path);
            else
                await fs.writeFile(path, original, json.change.before ?? meta);
        }
        else if (keyGoes)
            await fs.writeFile(path, layout(final), meta);
        if (ledger && !last)
            await writeLedger(fs, path, { ...ledger, written: (0,file_undo/* sha256 */.sc)(layout(final)), jobs: others });
        const byOthers = now.state === 'changed' && (0,file_undo/* sha256 */.sc)(now.text) !== ledger?.written;
        return byOthers
            ? [
                `${path} was changed after the main step: kept that change and removed only what the job added ` +
                    `(${json.added.join(', ')} in insecure-registries).`
            ]
            : [];
    });
}
function withoutKey(config) {
    return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'insecure-registries'));
}
async function backupText(change) {
    return change.before ? (await (0,promises_.readFile)(change.before.backup)).toString('utf8') : undefined;
}
async function metaOf(path) {
    const { mode, uid, gid } = await (0,promises_.lstat)(path);
    return { mode: mode & 0o7777, uid, gid };
}
/**
 * SIGHUP makes dockerd reload daemon.json; insecure-registries is one of the
 * settings it applies live, so running containers (service containers, the
 * builder) keep running. Waits until `docker info` shows the change.
 */
async function reloadDaemon(fs, pidFile, hosts, insecure) {
    const pid = (await (0,file_undo/* readIfExists */.OR)(pidFile))?.toString('utf8').trim();
    if (!pid)
        throw new Error(`cannot find dockerd's pid file ${pidFile} to reload it: reload or restart the Docker daemon yourself`);
    await fs.kill(Number(pid), 'SIGHUP');
    const deadline = Date.now() + 30000;
    for (;;) {
        const info = await (0,command/* tryCommand */.HQ)('docker', ['info', '--format', '{{json .RegistryConfig.IndexConfigs}}']);
        if (info.exitCode === 0) {
            const configs = JSON.parse(info.stdout);
            if (hosts.every(host => (configs[host]?.Secure === false) === insecure))
                return;
        }
        if (Date.now() > deadline)
            throw new Error(`the Docker daemon did not apply insecure-registries ${JSON.stringify(hosts)} within 30 s of a reload: ` +
                `check ${pidFile} and the daemon's log`);
        await (0,sleep/* sleep */.y)(200);
    }
}

;// CONCATENATED MODULE: ./src/host/edits/daemon-trust.ts






async function isRootless() {
    return (await runCommand('docker', ['info', '--format', '{{json .SecurityOptions}}'])).includes('name=rootless');
}
/**
 * Finds the daemon's directories and checks that they can be written, before
 * main writes or creates anything: no root and no sudo fails the step early.
 */
async function openDaemonAccess() {
    const paths = daemonPaths(await isRootless(), process.env);
    return { paths, files: await privilegedAccess(!paths.rootless, `trust-docker-daemon (writing ${paths.certsDir})`) };
}
/**
 * Makes the Docker daemon trust what the plan says, as far as its mode allows.
 * `jobDir` holds the backup of daemon.json.
 * Returns what the user still has to do (for the log and the summary).
 */
async function trustDaemon(access, plan, jobDir, save) {
    const { paths, files: fs } = access;
    const record = { rootless: paths.rootless, files: [], dirs: [] };
    for (const file of plan.certsD) {
        const path = join(paths.certsDir, file.path);
        record.dirs.push(...(await fs.mkdirs(dirname(path))));
        record.files.push(path);
        save(record);
        await fs.writeFile(path, file.content, { mode: file.mode });
        core.info(`Docker daemon: wrote ${path}`);
    }
    const insecure = plan.insecureHosts;
    if (insecure.length === 0)
        return [];
    if (plan.mode !== 'restart') {
        return [
            `The Docker daemon does not trust ${insecure.join(', ')}: \`docker push\`/\`pull\` need ` +
                `"insecure-registries": ${JSON.stringify(insecure)} in ${paths.daemonJson} and a daemon reload. Set ` +
                '`trust-docker-daemon: restart` to have the action do it.'
        ];
    }
    await addInsecureRegistries(fs, paths, insecure, jobDir, daemonJson => {
        record.daemonJson = daemonJson;
        save(record);
    });
    core.info(`Docker daemon: ${insecure.join(', ')} in insecure-registries (${paths.daemonJson})`);
    return [];
}
/**
 * Removes exactly what trustDaemon added: its certs.d files and the directories it made, and its
 * hosts from insecure-registries (daemon-json.ts). Returns notes for the user.
 */
async function untrustDaemon(record) {
    const fs = await (0,file_access/* privilegedAccess */.a)(!record.rootless, 'removing the Docker daemon trust');
    for (const file of record.files)
        await fs.rm(file);
    await (0,file_access.removeMadeDirs)(fs, record.dirs);
    return record.daemonJson ? removeInsecureRegistries(fs, record.daemonJson) : [];
}


/***/ }),

/***/ 319:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ parseJsonObject),
/* harmony export */   w: () => (/* binding */ stringifyLike)
/* harmony export */ });
// JSON files of other tools (daemon.json, the Docker client config) that the
// action edits: refused whole when they do not parse, and rewritten in their
// own layout so that a later diff shows only the keys that changed.
/** The object in a JSON file's text ('' or blank counts as {}). Throws, leaving the file alone, when it is not JSON. */
function parseJsonObject(path, text) {
    try {
        return text.trim() === '' ? {} : JSON.parse(text);
    }
    catch (error) {
        throw new Error(`${path} is not valid JSON (${error.message}); not touching it`);
    }
}
/**
 * `value` as JSON laid out like `existing`: the same indentation and final
 * newline. With no existing file, `fallbackIndent` and a final newline.
 */
function stringifyLike(existing, value, fallbackIndent) {
    if (existing === undefined || existing.trim() === '')
        return `${JSON.stringify(value, null, fallbackIndent)}\n`;
    const indent = /^\{\s*?\n([ \t]+)"/.exec(existing)?.[1] ?? (existing.trim().includes('\n') ? fallbackIndent : '');
    const trailing = /\n$/.test(existing) ? '\n' : '';
    return JSON.stringify(value, null, indent) + trailing;
}


/***/ })

};
