export const id = 314;
export const ids = [314];
export const modules = {

/***/ 7314:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  reportBuilderDisk: () => (/* binding */ reportBuilderDisk)
});

// UNUSED EXPORTS: againstBudget

// EXTERNAL MODULE: ./src/actions-core.ts
var actions_core = __webpack_require__(1938);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: ./src/untrusted-text.ts
var untrusted_text = __webpack_require__(8521);
// EXTERNAL MODULE: ./src/host/builder/buildx.ts
var buildx = __webpack_require__(9748);
;// CONCATENATED MODULE: ./src/host/builder/builder-disk.ts


const DECIMAL = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15, EB: 1e18 };
/** The `Total:` line of `buildx du`; undefined when there is none to read. Pure. */
function parseDuTotal(stdout) {
    const match = /^Total:\s+(\d+(?:\.\d+)?)\s*([kMGTPE]?B)\s*$/m.exec(stdout);
    if (!match)
        return undefined;
    return { text: `${match[1]}${match[2]}`, bytes: Math.round(Number(match[1]) * DECIMAL[match[2]]) };
}
/** The builder's cache, or why it could not be measured (buildx's words, made safe to print). */
async function measureBuilderDisk(name) {
    try {
        const disk = parseDuTotal(await (0,buildx/* builderDiskUsage */.qO)(name));
        return disk ?? { failure: '`docker buildx du` printed no total' };
    }
    catch (error) {
        const firstLine = error.message.trim().split('\n')[0] ?? '';
        return { failure: (0,untrusted_text/* neutralizeUntrusted */.wN)(firstLine, 300) };
    }
}

;// CONCATENATED MODULE: ./src/steps/disk-report.ts



/**
 * Post: the builder's cache (`docker buildx du`'s total) in the log and the job summary, against
 * the `gc-max-used-space` budget where one is set. One `buildx du`, only for a builder main marked
 * (a budget, or a builder that outlives the job): a builder removed a moment later has no disk to
 * watch. A builder that is not running is not booted to measure it.
 */
async function reportBuilderDisk(report) {
    const disk = await measureBuilderDisk(report.builder);
    const line = 'failure' in disk
        ? `Builder ${report.builder}'s cache was not measured: ${disk.failure}`
        : `Builder ${report.builder}'s cache: ${disk.text} (\`docker buildx ` +
            `du\`)${againstBudget(disk.bytes, report.budget)}.`;
    actions_core/* info */.pq(line);
    if (process.env.GITHUB_STEP_SUMMARY)
        await actions_core/* summary */.z.addRaw(`<p>${toHtml(line)}</p>${external_node_os_.EOL}`).write();
}
/**
 * ", within/over the budget of X": a share of the disk is shown, not compared (the disk's size is BuildKit's to
 * know).
 */
function againstBudget(bytes, budget) {
    if (!budget)
        return '';
    if ('percent' in budget)
        return `; budget \`gc-max-used-space\` ${budget.text} of the builder's disk`;
    // buildx rounds to 4 digits: a total within that rounding of the budget is not called over it.
    const over = bytes > budget.bytes * 1.0005;
    return `, ${over ? 'over' : 'within'} the budget \`gc-max-used-space\` ${budget.text} (${budget.bytes} bytes)`;
}
function toHtml(text) {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return escaped.replace(/`([^`]+)`/g, '<code>$1</code>');
}


/***/ })

};
