// The figures of evaluated files as they are printed: evaluate's tables or --json, and train's for its --test
// files.

import { type FileEvaluation, totalMetrics } from '../eval/evaluate.js';
import type { Metrics } from '../eval/metrics.js';
import { detailTables, summaryTable } from './format.js';
import { visible } from '../data/visible.js';

function metricsJson(m: Metrics) {
  return {
    balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1, logLoss: m.logLoss, classes: m.classes,
    confusion: m.confusion, ...(m.confusionCells ? { confusionCells: m.confusionCells } : {}), perClass: m.perClass, unknownLabels: m.unknownLabels,
  };
}

function evaluationJson(results: readonly FileEvaluation[]) {
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

export function printEvaluations(results: readonly FileEvaluation[], json: boolean, out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(JSON.stringify(evaluationJson(results)) + '\n');
    return;
  }
  const rows = results.map((r) => ({ name: r.file, metrics: r.metrics }));
  const total = totalMetrics(results);
  if (total !== null && results.length > 1) rows.push({ name: 'total', metrics: total });
  out.write(summaryTable(rows));
  for (const r of rows) out.write(`\n${visible(r.name)}\n` + detailTables(r.metrics));
}
