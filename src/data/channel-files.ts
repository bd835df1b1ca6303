// Files that are channels of the same recordings: UCI HAR keeps each channel in a file of its own
// (`body_acc_x_train.txt`, `body_acc_y_train.txt`, …), a row per recording, and UEA's downloads split theirs by
// dimension. Each given a label column and read together, they train as several one-channel copies of every
// recording, with nothing to say so but files whose labels agree row for row. Pure.

import type { DataSet } from './dataset.js';

/** The fewest sequences a file holds for its labels' agreeing with another file's to tell (ten in a row by chance is rare). */
const FEWEST = 10;

/**
 * The files of ds (in the order read) whose labels, sequence by sequence, are another file's (FEWEST or more
 * each): the largest such group, or none.
 */
export function channelFiles(ds: Pick<DataSet, 'labels' | 'sources'>): string[] {
  // a data set a program built may name no files
  if (!Array.isArray(ds.sources) || ds.sources.length !== ds.labels.length) return [];
  const byFile = new Map<string, number[]>();
  ds.sources.forEach((s, n) => {
    if (typeof s?.file !== 'string') return;
    const list = byFile.get(s.file) ?? [];
    if (list.length === 0) byFile.set(s.file, list);
    list.push(ds.labels[n]);
  });
  const groups = new Map<string, string[]>();
  for (const [file, labels] of byFile) {
    if (labels.length < FEWEST) continue;
    const key = labels.join(',');
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  let best: string[] = [];
  for (const files of groups.values()) if (files.length > best.length) best = files;
  return best.length >= 2 ? best : [];
}
