/** The result table: one row per measurement, with berth's target next to it, as text and as markdown. */

export type Target =
  /** berth/docker-registry must be at least `value` (rates: higher is better). */
  | { kind: 'ratio-min'; value: number }
  /** berth/docker-registry must be at most `value` (times: lower is better). */
  | { kind: 'ratio-max'; value: number }
  /** berth's own figure must be at most `value`. */
  | { kind: 'abs-max'; value: number; unit: string };

export interface Row {
  label: string;
  unit: string;
  digits: number;
  target: Target;
  berth?: number;
  other?: number;
  berthError?: string;
  otherError?: string;
}

export type Verdict = 'met' | 'missed' | 'error';

export function ratio(row: Row): number | undefined {
  if (row.berth === undefined || row.other === undefined || row.other === 0) return undefined;
  return row.berth / row.other;
}

export function verdict(row: Row): Verdict {
  if (row.berth === undefined) return 'error';
  const t = row.target;
  if (t.kind === 'abs-max') return row.berth <= t.value ? 'met' : 'missed';
  const r = ratio(row);
  if (r === undefined) return 'error';
  return (t.kind === 'ratio-min' ? r >= t.value : r <= t.value) ? 'met' : 'missed';
}

function targetText(t: Target): string {
  if (t.kind === 'abs-max') return `≤ ${t.value} ${t.unit}`;
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
  return [
    `${row.label} (${row.unit})`,
    num(row.berth, row.digits, row.berthError !== undefined),
    num(row.other, row.digits, row.otherError !== undefined),
    r === undefined ? '—' : `${r.toFixed(2)}×`,
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
