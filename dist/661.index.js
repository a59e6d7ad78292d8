export const id = 661;
export const ids = [661];
export const modules = {

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _steps_post_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(147);

/**
 * The post step, the counterpart of src/main.ts's `run()`: what the bundle's post entry runs
 * (through src/index.ts) and what local-action's `--post src/post.ts` calls after main.
 */
async function run() {
    await (0,_steps_post_js__WEBPACK_IMPORTED_MODULE_0__/* .runPost */ .a)();
}


/***/ })

};
