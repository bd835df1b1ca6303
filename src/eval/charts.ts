// The report's charts and tables as inline SVG and HTML strings: line charts, the confusion heat map, small
// signal drawings, bar charts and tables, every text escaped. Pure; the report (report.ts) composes them.
//
// Legend: C classes, N sequences, D channels.

import type { DataSet } from '../data/dataset.js';
import { visible } from '../data/visible.js';
import { maxOf, minOf } from '../data/extent.js';
import { MAX_MATRIX_CLASSES, type Metrics } from './metrics.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d', '#7c3aed', '#0f766e'];
export const DRAWN_CHANNELS = PALETTE.length; // channels drawn in the small charts, each in its own colour: all of hundreds would make a report too large to open
const MAX_POINTS = 240; // per drawn line; longer signals are reduced to min/max pairs

export function esc(s: unknown): string {
  return visible(String(s)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const num = (x: number, p = 4) => (Number.isFinite(x) ? x.toFixed(p) : '–');
const r1 = (x: number) => Math.round(x * 10) / 10;

/** "Nice" tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const fmtTick = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1).replace('e-', '·10⁻').replace(/⁻(\d+)/, (_, d: string) => '⁻' + [...d].map((c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[+c]).join('')) : String(Number(v.toPrecision(4))));

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly [number, number][];
  readonly dashed?: boolean;
}

/** A line chart with axes, ticks, grid and a legend. */
export function lineChart(series: readonly Series[], o: { title: string; xLabel: string; yLabel: string; width?: number; height?: number; yMin?: number; yMax?: number }): string {
  const W = o.width ?? 460;
  const H = o.height ?? 260;
  const m = { l: 66, r: 14, t: 30, b: 40 };
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  let x0 = minOf(xs, 1);
  let x1 = maxOf(xs, 1);
  if (x1 === x0) x1 = x0 + 1;
  let y0 = o.yMin ?? minOf(ys, 0);
  let y1 = o.yMax ?? maxOf(ys, 1e-9);
  if (y1 === y0) y1 = y0 + 1;
  const pad = (y1 - y0) * 0.04;
  if (o.yMin === undefined) y0 -= pad;
  if (o.yMax === undefined) y1 += pad;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  let g = '';
  for (const t of ticks(y0, y1)) {
    g += `<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/>` +
      `<text class="tick" x="${m.l - 6}" y="${r1(sy(t) + 4)}" text-anchor="end">${fmtTick(t)}</text>`;
  }
  for (const t of ticks(x0, x1, 6).filter((t) => Number.isInteger(t) || x1 - x0 < 6)) {
    g += `<line class="axis" x1="${r1(sx(t))}" x2="${r1(sx(t))}" y1="${H - m.b}" y2="${H - m.b + 4}"/>` +
      `<text class="tick" x="${r1(sx(t))}" y="${H - m.b + 16}" text-anchor="middle">${fmtTick(t)}</text>`;
  }
  g += `<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}"/>`;
  g += `<line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}"/>`;
  for (const s of series) {
    const shown = s.points.filter(([, y]) => Number.isFinite(y));
    const d = shown.map(([x, y], i) => `${i ? 'L' : 'M'}${r1(sx(x))} ${r1(sy(y))}`).join('');
    if (shown.length === 1) g += `<circle cx="${r1(sx(shown[0][0]))}" cy="${r1(sy(shown[0][1]))}" r="3" fill="${s.color}"/>`; // a path of one point draws nothing
    else if (d) g += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
  }
  let lx = m.l + 8;
  for (const s of series) {
    g += `<line x1="${lx}" x2="${lx + 18}" y1="${m.t - 12}" y2="${m.t - 12}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
      `<text class="legend" x="${lx + 22}" y="${m.t - 8}">${esc(s.name)}</text>`;
    lx += 34 + 7 * s.name.length;
  }
  g += `<text class="label" x="${(m.l + W - m.r) / 2}" y="${H - 6}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  g += `<text class="label" transform="translate(13 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`;
  return `<figure><figcaption>${esc(o.title)}</figcaption><svg class="chart" role="img" aria-label="${esc(o.title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${g}</svg></figure>`;
}

/** The confusion matrix as a heat map: cell shade and percentage = share of the true class's row, and the count. */
export function heatmap(m: Metrics, title: string): string {
  const C = m.classes.length;
  if (C > MAX_MATRIX_CLASSES || m.confusion === null) return `<p class="note">The confusion matrix of ${C} classes is too large to draw; <code>evaluate --json</code> holds it.</p>`;
  const label = Math.min(160, 34 + 7 * maxOf(m.classes.map((c) => [...shortName(c, 18)].length)));
  const cell = Math.max(28, Math.min(64, Math.floor(360 / C)));
  // The column labels lean right at 50°: the last one reaches about 0.64 of its text's width past its column.
  const W = label + C * cell + 20 + Math.round(0.64 * (label - 34));
  const H = 34 + label + C * cell + 10;
  const top = 34 + label;
  let g = `<text class="label" x="${label + (C * cell) / 2}" y="14" text-anchor="middle">predicted class</text>`;
  g += `<text class="label" transform="translate(12 ${top + (C * cell) / 2}) rotate(-90)" text-anchor="middle">true class</text>`;
  m.classes.forEach((c, j) => {
    g += `<text class="tick" transform="translate(${label + j * cell + cell / 2 + 4} ${top - 6}) rotate(-50)">${esc(shortName(c, 18))}</text>`;
  });
  m.confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    g += `<text class="tick" x="${label - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(shortName(m.classes[i], 18))}</text>`;
    row.forEach((n, j) => {
      const share = total > 0 ? n / total : 0;
      const hue = i === j ? '37,99,235' : '220,38,38';
      const fill = n === 0 ? '#f8fafc' : `rgba(${hue},${(0.12 + 0.88 * share).toFixed(3)})`;
      const dark = share > 0.55;
      // An empty cell is its shade alone: with many classes and files, the text of every zero made the report megabytes.
      const title = n === 0 ? '' : `<title>true ${esc(m.classes[i])}, predicted ${esc(m.classes[j])}: ${n} (${(100 * share).toFixed(1)} % of the row)</title>`;
      g += `<rect x="${label + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" rx="3" fill="${fill}">${title}</rect>`;
      if (n === 0) return;
      const x = label + j * cell + (cell - 2) / 2;
      g += `<text class="cell${dark ? ' on-dark' : ''}" x="${x}" y="${top + i * cell + cell / 2 - 1}" text-anchor="middle">${n}</text>`;
      g += `<text class="pct${dark ? ' on-dark' : ''}" x="${x}" y="${top + i * cell + cell / 2 + 10}" text-anchor="middle">${Math.round(100 * share)}%</text>`;
    });
  });
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" role="img" aria-label="${esc(title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${g}</svg></figure>`;
}

/** Sequence n's channels reduced to at most MAX_POINTS points each (min and max of each bucket kept). */
function reduced(ds: DataSet, n: number): number[][] {
  const T = ds.lengths[n];
  const o = ds.offsets[n];
  const out: number[][] = [];
  for (let d = 0; d < Math.min(ds.D, DRAWN_CHANNELS); d++) {
    const at = (t: number) => ds.values[(o + t) * ds.D + d];
    if (T <= MAX_POINTS) {
      out.push(Array.from({ length: T }, (_, t) => at(t)));
      continue;
    }
    const buckets = MAX_POINTS / 2;
    const line: number[] = [];
    for (let b = 0; b < buckets; b++) {
      const lo = Math.floor((b * T) / buckets);
      const hi = Math.floor(((b + 1) * T) / buckets);
      let mn = Infinity;
      let mx = -Infinity;
      for (let t = lo; t < hi; t++) {
        mn = Math.min(mn, at(t));
        mx = Math.max(mx, at(t));
      }
      line.push(mn, mx);
    }
    out.push(line);
  }
  return out;
}

/** A small line chart of one sequence (every channel, one colour each), without axes; each caption line on its own line. */
export function sparkline(ds: DataSet, n: number, caption: string | readonly string[]): string {
  const captionLines = typeof caption === 'string' ? [caption] : caption;
  const W = 200;
  const H = 72;
  const lines = reduced(ds, n);
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) for (const v of l) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  let g = `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  lines.forEach((l, d) => {
    const sx = (i: number) => 4 + (i / Math.max(1, l.length - 1)) * (W - 8);
    const sy = (v: number) => H - 4 - ((v - lo) / (hi - lo)) * (H - 8);
    g += l.length === 1 // a sequence of one step: a dot, as a path of one point draws nothing
      ? `<circle cx="${W / 2}" cy="${r1(sy(l[0]))}" r="2.5" fill="${PALETTE[d % PALETTE.length]}"/>`
      : `<path d="${l.map((v, i) => `${i ? 'L' : 'M'}${r1(sx(i))} ${r1(sy(v))}`).join('')}" fill="none" stroke="${PALETTE[d % PALETTE.length]}" stroke-width="1.3"/>`;
  });
  return `<figure class="spark"><svg class="chart" role="img" aria-label="${esc(captionLines.join(' · '))}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${g}</svg>` +
    `<figcaption>${captionLines.map(esc).join('<br>')}</figcaption></figure>`;
}

export const steps = (T: number) => `${T} step${T === 1 ? '' : 's'}`;

/** A name cut to `max` characters with an ellipsis, by code points (an emoji is not cut in half) and as shown (visible()'s escapes counted). */
function shortName(name: string, max: number): string {
  const shown = [...visible(name)];
  return shown.length > max ? shown.slice(0, max - 1).join('') + '…' : shown.join('');
}

/** Vertical bars with labels under them. */
export function barChart(labels: readonly string[], values: readonly number[], o: { title: string; xLabel: string; yLabel: string; color?: string }): string {
  const W = Math.max(260, Math.min(560, 60 + labels.length * 40));
  const H = 220;
  const m = { l: 48, r: 10, t: 16, b: 56 };
  const max = maxOf(values, 1);
  const bw = (W - m.l - m.r) / Math.max(1, labels.length);
  const sy = (v: number) => H - m.b - (v / max) * (H - m.t - m.b);
  let g = '';
  for (const t of ticks(0, max, 4)) {
    g += `<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${r1(sy(t))}" y2="${r1(sy(t))}"/><text class="tick" x="${m.l - 6}" y="${r1(sy(t) + 4)}" text-anchor="end">${fmtTick(t)}</text>`;
  }
  const every = Math.ceil(labels.length / 14);
  labels.forEach((l, i) => {
    const x = m.l + i * bw + bw * 0.12;
    g += `<rect x="${r1(x)}" y="${r1(sy(values[i]))}" width="${r1(bw * 0.76)}" height="${r1(H - m.b - sy(values[i]))}" fill="${o.color ?? PALETTE[i % PALETTE.length]}"><title>${esc(l)}: ${values[i]}</title></rect>`;
    if (i % every === 0) {
      const s = shortName(l, 14);
      g += `<text class="tick" transform="translate(${r1(x + bw * 0.38 + 3)} ${H - m.b + 10}) rotate(-35)" text-anchor="end">${esc(s)}</text>`;
    }
  });
  g += `<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}"/>`;
  g += `<text class="label" x="${(m.l + W) / 2}" y="${H - 4}" text-anchor="middle">${esc(o.xLabel)}</text>`;
  g += `<text class="label" transform="translate(12 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`;
  return `<figure><figcaption>${esc(o.title)}</figcaption><svg class="chart" role="img" aria-label="${esc(o.title)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${g}</svg></figure>`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], numeric = true): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric && i > 0 ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
}
