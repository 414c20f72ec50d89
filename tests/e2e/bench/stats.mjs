// Small statistics for the browser benchmark: nearest-rank percentiles over plain arrays.

/** The `p`-th percentile (0–100) by nearest rank; null for no values. */
export function percentile(values, p) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** The median (mean of the two middle values for an even count); null for no values. */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { n, median, p95, max, min } of `values`, rounded to 0.1 ms. */
export function summarize(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    n: finite.length,
    median: round(median(finite)),
    p95: round(percentile(finite, 95)),
    max: round(finite.length ? Math.max(...finite) : null),
    min: round(finite.length ? Math.min(...finite) : null),
  };
}

/**
 * A verdict for a latency target: "met" when the p95 is within it, "met at the median only"
 * when only the median is, "MISSED" otherwise.
 */
export function verdict(stats, target) {
  if (!stats || stats.n === 0 || stats.median === null) return "NOT MEASURED";
  if (stats.p95 <= target) return "met";
  if (stats.median <= target) return "MISSED at p95 (median met)";
  return "MISSED";
}
