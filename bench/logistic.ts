/**
 * L2-regularised logistic regression by full-batch gradient descent on standardised features;
 * returns weights for the raw features. Small (thousands of rows, ten features): no library needed.
 */
export function fitLogistic(rows: number[][], labels: number[], opts: { l2?: number; iterations?: number; rate?: number } = {}): { bias: number; weights: number[] } {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (!n || !labels.some(Boolean) || labels.every(Boolean)) throw new Error('fitLogistic needs both positive and negative examples');
  const l2 = opts.l2 ?? 0.01;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const x = rows.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const rate = opts.rate ?? 0.5;
  for (let it = 0; it < (opts.iterations ?? 3000); it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[i]![j]!;
      const err = 1 / (1 + Math.exp(-z)) - labels[i]!;
      gb += err;
      for (let j = 0; j < d; j++) gw[j]! += err * x[i]![j]!;
    }
    b -= (rate * gb) / n;
    for (let j = 0; j < d; j++) w[j]! -= rate * (gw[j]! / n + l2 * w[j]!);
  }
  const weights = w.map((wj, j) => wj / sd[j]!);
  return { bias: b - weights.reduce((s, wj, j) => s + wj * mean[j]!, 0), weights };
}
