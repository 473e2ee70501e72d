// Wire durations → milliseconds. Inputs have already matched DURATION_PATTERN / PERCENT_PATTERN (./wire/common.ts).
import type { IntOrPercent } from './domain.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30` (seconds), `"30"` (seconds), `"30s"`, `"5m"`, `"1h30m"`, `"1.5h"`, `"250ms"` → milliseconds. */
export function durationToMs(value: number | string): number {
  if (typeof value === 'number') return value * 1000;
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  let total = 0;
  for (const part of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}

export function toIntOrPercent(value: number | string): IntOrPercent {
  if (typeof value === 'number') return { kind: 'count', value };
  return { kind: 'percent', value: Number(value.slice(0, -1)) };
}
