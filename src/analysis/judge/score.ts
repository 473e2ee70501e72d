// Kayenta's scoring of classified metrics (ScoringHelper + WeightedSumScorer): each group scores the share of its
// metrics that passed, groups are weighted, a critical failure or mostly missing data short-circuits to 0, and the
// score against `pass` / `marginal` thresholds gives the verdict.

import type { Classification } from './classify.js';

export interface ScoredResult {
  name: string;
  classification: Classification;
  critical: boolean;
  reason: string;
  /** Groups the metric counts in; a metric in no group only matters for the critical and no-data checks. */
  groups: readonly string[];
  /** Reported but not scored. */
  muted?: boolean;
}

export interface GroupScore {
  group: string;
  /** 100 · passed / (passed + failed); Nodata and Error are not counted. */
  score: number;
  /** No counted metric in the group: it weighs in at 100 (Kayenta's rule). */
  noData: boolean;
}

export type ScoreOutcome =
  | { kind: 'scored'; score: number; groups: GroupScore[] }
  | { kind: 'criticalFailure'; score: 0; groups: GroupScore[]; metric: string; reason: string }
  /** At least half the scored metrics had no data: Kayenta scores 0; the caller decides what that means. */
  | { kind: 'mostlyNoData'; score: 0; groups: GroupScore[]; noData: number; total: number };

const FAILED: ReadonlySet<Classification> = new Set(['High', 'Low', 'NodataFailMetric']);

export function scoreResults(
  results: readonly ScoredResult[],
  groupWeights: Readonly<Record<string, number>> = {},
): ScoreOutcome {
  const scored = results.filter((r) => r.muted !== true);
  const groups = groupScores(scored);

  const critical = scored.find((r) => r.critical && r.classification !== 'Pass');
  if (critical !== undefined) {
    return { kind: 'criticalFailure', score: 0, groups, metric: critical.name, reason: critical.reason };
  }
  const noData = scored.filter((r) => r.classification === 'Nodata').length;
  if (scored.length > 0 && noData / scored.length >= 0.5) {
    return { kind: 'mostlyNoData', score: 0, groups, noData, total: scored.length };
  }

  const present = groups.map((g) => g.group);
  const configured = Object.entries(groupWeights);
  const configuredTotal = configured.reduce((sum, [, w]) => sum + w, 0);
  const unweighted = present.filter((g) => !Object.hasOwn(groupWeights, g));
  const autoWeight = unweighted.length > 0 ? (100 - configuredTotal) / unweighted.length : 0;
  let sum = 0;
  for (const g of groups) {
    const weight = Object.hasOwn(groupWeights, g.group) ? (groupWeights[g.group] as number) : autoWeight;
    sum += ((g.noData ? 100 : g.score) * weight) / 100;
  }
  return { kind: 'scored', score: roundHalfUp(sum, 2), groups };
}

function groupScores(results: readonly ScoredResult[]): GroupScore[] {
  const names: string[] = [];
  for (const r of results) for (const g of r.groups) if (!names.includes(g)) names.push(g);
  return names.map((group) => {
    const members = results.filter((r) => r.groups.includes(group));
    const passed = members.filter((r) => r.classification === 'Pass').length;
    const counted = passed + members.filter((r) => FAILED.has(r.classification)).length;
    return counted === 0
      ? { group, score: 0, noData: true }
      : { group, score: (100 * passed) / counted, noData: false };
  });
}

export function roundHalfUp(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // The epsilon keeps 33.335 (stored as 33.33499…) rounding up, as decimal HALF_UP would.
  return (Math.sign(value) * Math.floor(Math.abs(value) * factor + 0.5 + 1e-9)) / factor;
}

export const ScoreVerdict = { Pass: 'Pass', Marginal: 'Marginal', Fail: 'Fail' } as const;
export type ScoreVerdict = (typeof ScoreVerdict)[keyof typeof ScoreVerdict];

export interface ScoreThresholds {
  pass: number;
  marginal: number;
}

/** score ≥ pass: Pass; ≥ marginal: Marginal; else Fail. In an AnalysisTemplate these are the two conditions. */
export function scoreVerdict(score: number, thresholds: ScoreThresholds): ScoreVerdict {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
