/** The result table: one row per measurement, with berth's target next to it, as text and as markdown. */

export type Target =
  /** berth/docker-registry must be at least `value` (rates: higher is better). */
  | { kind: 'ratio-min'; value: number }
  /** berth/docker-registry must be at most `value` (times: lower is better). */
  | { kind: 'ratio-max'; value: number }
  /**
   * berth/docker-registry must be at most `value`, judged on runs taken in pairs (one of each, back to back):
   * for rows bound by the client, where the two registries' runs overlap and a ratio of two single figures
   * lands on either side of 1.0 by chance. See {@link pairedSummary}.
   */
  | { kind: 'paired-max'; value: number }
  /** berth's own figure, in the row's unit, must be at most `value`; `text` says so in the issue's words. */
  | { kind: 'abs-max'; value: number; text: string };

export interface Row {
  label: string;
  unit: string;
  digits: number;
  target: Target;
  berth?: number;
  other?: number;
  berthError?: string;
  otherError?: string;
  /** For a paired target: [berth, docker-registry] of each pair of runs. */
  pairs?: [number, number][];
}

/**
 * `met`; `parity`: the ratio is above the target but the pairs do not show berth slower (the target's value
 * lies inside the confidence interval); `missed`; `error`: no figure.
 */
export type Verdict = 'met' | 'parity' | 'missed' | 'error';

/** What paired runs say of berth/docker-registry. */
export interface PairedSummary {
  n: number;
  /** The median of the per-pair ratios. */
  ratio: number;
  /** A confidence interval for that median, and its coverage (0–1). */
  low: number;
  high: number;
  coverage: number;
  /** Pairs in which berth took longer. */
  berthSlower: number;
}

export const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialCdf(k: number, n: number): number {
  let term = 1;
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum / 2 ** n;
}

/**
 * The median of the per-pair ratios, and the sign test's distribution-free interval for it: the k-th smallest
 * and k-th largest ratio, with k the largest for which equal registries would put `k - 1` or fewer pairs on
 * one side at most 10 % of the time (so the interval covers the true median with ≥ 80 % confidence; with few
 * pairs k is 1 and the interval is every ratio). Its low end above the target means berth was slower in too
 * many pairs for chance to explain, at 10 %.
 */
export function pairedSummary(pairs: [number, number][]): PairedSummary | undefined {
  const ratios = pairs.filter(([, o]) => o > 0).map(([b, o]) => b / o);
  const n = ratios.length;
  if (n === 0) return undefined;
  const sorted = [...ratios].sort((a, b) => a - b);
  let k = 1;
  while (k + 1 <= Math.ceil(n / 2) && binomialCdf(k, n) <= 0.1) k++;
  return {
    n,
    ratio: median(ratios),
    low: sorted[k - 1] as number,
    high: sorted[n - k] as number,
    coverage: 1 - 2 * binomialCdf(k - 1, n),
    berthSlower: ratios.filter((r) => r > 1).length,
  };
}

/** The verdict of paired runs against a maximum ratio (see {@link Verdict}). */
export function pairedVerdict(p: PairedSummary, max: number): 'met' | 'parity' | 'missed' {
  return p.ratio <= max ? 'met' : p.low <= max ? 'parity' : 'missed';
}

/** The ratio cell of a paired row: the median ratio, and its interval when there is more than one pair. */
export function pairedRatioText(p: PairedSummary): string {
  return `${p.ratio.toFixed(2)}×${p.n > 1 ? ` (${p.low.toFixed(2)}–${p.high.toFixed(2)})` : ''}`;
}

/** What the pairs say, for the log and the lines under the table; `who` is the side the ratio's numerator is. */
export function describePairs(p: PairedSummary, who: string): string {
  return `${who} slower in ${p.berthSlower} of ${p.n} pairs; median of the pair ratios ${p.ratio.toFixed(2)}×, ${Math.floor(p.coverage * 100)} % interval ${p.low.toFixed(2)}–${p.high.toFixed(2)}×`;
}

export function ratio(row: Row): number | undefined {
  if (row.target.kind === 'paired-max') return row.pairs && pairedSummary(row.pairs)?.ratio;
  if (row.berth === undefined || row.other === undefined || row.other === 0) return undefined;
  return row.berth / row.other;
}

export function verdict(row: Row): Verdict {
  if (row.berth === undefined) return 'error';
  const t = row.target;
  if (t.kind === 'abs-max') return row.berth <= t.value ? 'met' : 'missed';
  if (t.kind === 'paired-max') {
    const p = row.pairs && pairedSummary(row.pairs);
    return p ? pairedVerdict(p, t.value) : 'error';
  }
  const r = ratio(row);
  if (r === undefined) return 'error';
  return (t.kind === 'ratio-min' ? r >= t.value : r <= t.value) ? 'met' : 'missed';
}

function targetText(t: Target): string {
  if (t.kind === 'abs-max') return t.text;
  if (t.kind === 'paired-max') return `≤ ${t.value.toFixed(1)}× (paired)`;
  return `${t.kind === 'ratio-min' ? '≥' : '≤'} ${t.value.toFixed(1)}×`;
}

const num = (v: number | undefined, digits: number, failed: boolean) =>
  v === undefined
    ? failed
      ? 'ERROR'
      : '—'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cells(row: Row): string[] {
  const r = ratio(row);
  const p = row.target.kind === 'paired-max' && row.pairs ? pairedSummary(row.pairs) : undefined;
  return [
    `${row.label} (${row.unit})`,
    num(row.berth, row.digits, row.berthError !== undefined),
    num(row.other, row.digits, row.otherError !== undefined),
    p ? pairedRatioText(p) : r === undefined ? '—' : `${r.toFixed(2)}×`,
    targetText(row.target),
    verdict(row),
  ];
}

const HEAD = ['Measurement', 'berth', 'docker-registry', 'berth / docker-registry', 'target', 'result'];
const RIGHT = [false, true, true, true, false, false];

export function textTable(rows: Row[]): string {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((r) => [...(r[i] as string)].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (RIGHT[i] ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(HEAD), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n');
}

/** A GitHub table, padded the way the repository's formatter (biome) writes markdown tables. */
export function markdownTable(rows: Row[]): string {
  const mark = (c: string) => (c === 'met' ? 'met' : `**${c}**`);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const body = rows.map((r) => cells(r).map((c, i) => esc(i === 5 ? mark(c) : c)));
  const table = [HEAD, ...body];
  const len = (s: string) => [...s].length;
  const widths = HEAD.map((_, i) => Math.max(3, ...table.map((r) => len(r[i] as string))));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat((widths[i] as number) - len(c));
    return RIGHT[i] ? fill + c : c + fill;
  };
  const line = (r: string[]) => `| ${r.map(pad).join(' | ')} |`;
  const sep = `| ${widths.map((w, i) => (RIGHT[i] ? `${'-'.repeat(w - 1)}:` : `:${'-'.repeat(w - 1)}`)).join(' | ')} |`;
  return [line(HEAD), sep, ...body.map(line)].join('\n');
}

/** Every failed measurement, with the registry and the full error text. */
export function failures(rows: Row[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (r.berthError) out.push(`${r.label} — berth:\n${r.berthError}`);
    if (r.otherError) out.push(`${r.label} — docker-registry:\n${r.otherError}`);
  }
  return out;
}
