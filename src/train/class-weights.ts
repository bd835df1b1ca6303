// Class weights for the loss: `balanced` gives class c the weight n / (C · n_c) over the training sequences
// (as scikit-learn's compute_class_weight('balanced')), so every class contributes equally to the loss however
// rare it is. The batch loss is then Σ w·loss / Σ w over the batch (PyTorch's CrossEntropyLoss(weight=...)).
// Pure. A class with no training sequence gets weight 0 (it never appears in a batch anyway).

export type ClassWeights = 'none' | 'balanced';
export const CLASS_WEIGHTS: readonly ClassWeights[] = ['none', 'balanced'];

/** Weights [C] from the labels of the training sequences `indices`; null for 'none'. */
export function classWeightsOf(mode: ClassWeights, labels: Int32Array, indices: Int32Array, C: number): Float64Array | null {
  if (mode === 'none') return null;
  const count = new Float64Array(C);
  for (const n of indices) count[labels[n]]++;
  const present = count.reduce((a, x) => a + (x > 0 ? 1 : 0), 0);
  const w = new Float64Array(C);
  for (let c = 0; c < C; c++) w[c] = count[c] > 0 ? indices.length / (present * count[c]) : 0;
  return w;
}
