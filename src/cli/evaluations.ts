// The figures of evaluated files as they are printed: evaluate's tables or --json, and train's for its --test
// files.

import { type FileEvaluation, totalMetrics } from '../eval/evaluate.js';
import { evaluationJson } from '../eval/evaluation-json.js';
import { detailTables, summaryTable } from './format.js';
import { visible } from '../data/visible.js';

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
