// The name of a gradient kernel as a program chooses it: alone in its module, so that the public types reach no
// WebAssembly type (a program compiled without the DOM library has none).

/** 'wasm' (the WebAssembly kernel, fast; its build chosen by engine/wasm.ts) or 'ts' (the reference kernel). */
export type KernelName = 'wasm' | 'ts';
