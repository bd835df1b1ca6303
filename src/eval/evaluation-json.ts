// The figures of evaluated files as JSON, as `evaluate --json` prints them: each file's accuracy, loss and
// metrics, and the pooled total, whose loss is the mean over every labelled sequence of the files.

import { type FileEvaluation, totalMetrics } from './evaluate.js';
import type { Metrics } from './metrics.js';

function metricsJson(m: Metrics) {
  return {
    balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1, logLoss: m.logLoss, classes: m.classes,
    confusion: m.confusion, ...(m.confusionCells ? { confusionCells: m.confusionCells } : {}), perClass: m.perClass, unknownLabels: m.unknownLabels,
  };
}

/** What `evaluate --json` prints for the files evaluate() scored: each file's figures, and all of them pooled (null for none). */
export function evaluationJson(results: readonly FileEvaluation[]) {
  const total = totalMetrics(results);
  return {
    files: results.map((r) => ({
      file: r.file, sequences: r.sequences, accuracy: r.accuracy, loss: r.loss, ...metricsJson(r.metrics),
    })),
    total: total === null ? null : {
      files: results.length, sequences: total.sequences, accuracy: total.accuracy,
      loss: weightedLoss(results), ...metricsJson(total),
    },
  };
}

/** The mean cross-entropy over all files' sequences with known labels. */
function weightedLoss(results: readonly FileEvaluation[]): number {
  let sum = 0;
  let n = 0;
  for (const r of results) {
    const k = r.metrics.labelled - r.metrics.unknownLabels.count;
    if (k > 0) {
      sum += r.loss * k;
      n += k;
    }
  }
  return n > 0 ? sum / n : NaN;
}
