// A review's weighted total on 0-100, computed exactly as the API does
// (app/lib/ranking.c: review_score, then rank_round_tenths), so that the
// number the reviewer sees while she picks scores is the number the API
// returns and the ranking uses.
//
// With L the least common multiple of the maxima of the criteria scored,
// the total is 100 * sum(score * weight * L/max) / (L * sum(weight)) over
// the criteria scored ("cannot judge" and not yet scored give their
// weight to the others), rounded half up to the micropoint, then to the
// tenth.  BigInt keeps it exact whatever the rubric.

const gcd = (a, b) => (b === 0n ? a : gcd(b, a % b));
const divRound = (num, den) => (num + den / 2n) / den;   // num, den >= 0

// Tenths of a point (an integer: 645 is 64.5), or null when no criterion
// of the rubric is scored.  scores: { key: integer | null }.
export function weightedTenths(rubric, scores) {
  const judged = rubric.filter((c) => {
    const v = scores ? scores[c.key] : undefined;
    return Number.isInteger(v) && v >= 0 && v <= c.max_score;
  });
  if (!judged.length) return null;
  const lcm = rubric.reduce((l, c) => (l * BigInt(c.max_score)) / gcd(l, BigInt(c.max_score)), 1n);
  let num = 0n;
  let weights = 0n;
  for (const c of judged) {
    num += BigInt(scores[c.key]) * BigInt(c.weight) * (lcm / BigInt(c.max_score));
    weights += BigInt(c.weight);
  }
  const micro = divRound(num * 100n * 1000000n, lcm * weights);
  return Number(divRound(micro, 100000n));
}

// How far a review is, as the API's progress counts it.
export function progress(rubric, scores) {
  let scored = 0;
  let cannot = 0;
  for (const c of rubric) {
    const v = scores ? scores[c.key] : undefined;
    if (v === null) cannot++;
    else if (Number.isInteger(v) && v >= 0 && v <= c.max_score) scored++;
  }
  return { criteria: rubric.length, scored, cannot_judge: cannot, remaining: rubric.length - scored - cannot };
}

// A score of the API (points exact to the millionth, e.g. 66.666667) in
// tenths, rounded half up as the API's sentences round it.
export function tenthsOf(points) {
  if (points === null || points === undefined) return null;
  const micro = BigInt(Math.round(points * 1e6));
  return Number(micro >= 0n ? divRound(micro, 100000n) : -divRound(-micro, 100000n));
}

// Tenths as the interface writes them: one decimal, the locale's comma
// or point ("64,5" in Vietnamese); keepZero false drops a ".0", as the
// spread is written.
export function fmtTenths(locale, tenths, keepZero = true) {
  if (tenths === null || tenths === undefined) return '—';
  const digits = keepZero || tenths % 10 !== 0 ? 1 : 0;
  return new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'vi-VN', {
    minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false,
  }).format(tenths / 10);
}
