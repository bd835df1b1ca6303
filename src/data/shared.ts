// Typed arrays over fresh SharedArrayBuffers: what a data set and the engine's arrays are made of, so that
// every worker thread reads them without a copy. A length of 0 gets a one-element buffer viewed at length 0.

/** Float32Array over a fresh SharedArrayBuffer. */
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4)).subarray(0, n);
}
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8)).subarray(0, n);
}
export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4)).subarray(0, n);
}
