/** The bench's verdicts: how the client-bound rows are judged from paired runs (bench/report.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedSummary, type Row, ratio, verdict } from '../../bench/report.js';

/** A paired row as the bench fills it: each registry's median run, and the pairs. */
const pairedRow = (pairs: [number, number][]): Row => {
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return {
    label: 'skopeo pull',
    unit: 's',
    digits: 2,
    target: { kind: 'paired-max', value: 1 },
    berth: median(pairs.map(([b]) => b)),
    other: median(pairs.map(([, o]) => o)),
    pairs,
  };
};

describe('bench: paired rows', () => {
  it('takes the median of the per-pair ratios and the sign-test interval for it', () => {
    // Ratios 0.90, 0.95, 1.00, 1.02, 1.05, 1.10, 1.20, given out of order.
    const p = pairedSummary([
      [1.1, 1],
      [0.9, 1],
      [2.4, 2],
      [1, 1],
      [1.02, 1],
      [0.95, 1],
      [2.1, 2],
    ]);
    assert.ok(p);
    assert.equal(p.n, 7);
    assert.equal(p.ratio, 1.02);
    // n = 7: k = 2 (P(X ≤ 1) = 8/128 ≤ 10 %, P(X ≤ 2) = 29/128 is not): 2nd smallest to 2nd largest.
    assert.equal(p.low, 0.95);
    assert.equal(p.high, 1.1);
    assert.equal(p.coverage, 1 - 2 * (8 / 128));
    assert.equal(p.berthSlower, 4);
  });

  it('uses the 3rd smallest and largest of nine pairs, and every ratio when there are few', () => {
    const nine = pairedSummary([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [1 + i / 100, 1] as [number, number]));
    assert.ok(nine);
    assert.equal(nine.low.toFixed(2), '1.03');
    assert.equal(nine.high.toFixed(2), '1.07');
    const three = pairedSummary([
      [1.2, 1],
      [0.8, 1],
      [1, 1],
    ]);
    assert.ok(three);
    assert.deepEqual([three.low, three.ratio, three.high], [0.8, 1, 1.2]);
  });

  it('is met at or below the target, parity when the interval reaches it, missed when all of it is above', () => {
    const met = pairedRow([
      [0.98, 1],
      [1.01, 1],
      [0.99, 1],
    ]);
    assert.equal(verdict(met), 'met');
    assert.equal(ratio(met), 0.99);
    const parity = pairedRow([
      [1.04, 1],
      [0.97, 1],
      [1.02, 1],
      [1.03, 1],
      [1.01, 1],
      [0.99, 1],
      [1.05, 1],
    ]);
    assert.equal(verdict(parity), 'parity');
    // berth slower in 6 of 7 pairs: the 2nd smallest ratio is above 1.0, so the pairs show berth slower.
    const missed = pairedRow([
      [1.04, 1],
      [0.99, 1],
      [1.02, 1],
      [1.03, 1],
      [1.01, 1],
      [1.06, 1],
      [1.05, 1],
    ]);
    assert.equal(verdict(missed), 'missed');
    assert.equal(verdict(pairedRow([])), 'error');
    // A registry that failed has no figure: an error, whatever pairs came before.
    assert.equal(verdict({ ...parity, berth: undefined }), 'error');
  });
});
