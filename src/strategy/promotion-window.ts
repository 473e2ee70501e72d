// Promotion windows (`spec.promotionWindows`), Sluice's own: the minutes in which a rollout may start or move traffic
// forward on its own. A minute is inside when it matches any window's cron expression in that window's time zone
// (UTC when none is given, never the controller host's zone). A 5-field expression names whole minutes (node-cron
// would match only at second 0, so `now` is floored to the minute); a 6-field one names seconds.
// Pure: everything takes `now`; the next opening is searched, bounded, instead of waiting on a timer.
import type { PromotionWindow } from '../api/domain.js';
import {
  compileCron,
  matchesDate,
  matchesWallClock,
  type CompiledCron,
  type WallClock,
} from './promotion-window-cron.js';

/** How far ahead the next opening is searched (long enough for monthly windows). */
export const WINDOW_SEARCH_HORIZON_MS = 35 * 24 * 60 * 60_000;

export type WindowStatus =
  /** No windows configured: always allowed. */
  | { kind: 'unrestricted' }
  | { kind: 'open' }
  /** `opensAt` is undefined when no window opens within the search horizon. */
  | { kind: 'closed'; opensAt: Date | undefined; requeueAfterMs: number };

export function evaluatePromotionWindows(windows: readonly PromotionWindow[], now: Date): WindowStatus {
  if (windows.length === 0) return { kind: 'unrestricted' };
  if (isInsidePromotionWindow(windows, now)) return { kind: 'open' };
  const opensAt = nextPromotionWindowOpening(windows, now);
  const requeueAfterMs = opensAt === undefined ? WINDOW_SEARCH_HORIZON_MS : opensAt.getTime() - now.getTime();
  return { kind: 'closed', opensAt, requeueAfterMs: Math.max(0, requeueAfterMs) };
}

export function isInsidePromotionWindow(windows: readonly PromotionWindow[], now: Date): boolean {
  return windows.some((window) => {
    const { cron, timeZone } = compiled(window);
    return matchesWallClock(cron, wallClock(floorTo(now, cron), timeZone));
  });
}

/** The earliest instant at or after `now` inside some window; undefined when none within the horizon. */
export function nextPromotionWindowOpening(windows: readonly PromotionWindow[], now: Date): Date | undefined {
  let earliest: number | undefined;
  for (const window of windows) {
    const at = nextOpening(window, now.getTime());
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

/** A short description of a window for messages, e.g. `"* 9-16 * * 1-5" (Europe/Berlin)`. */
export function describeWindow(window: PromotionWindow): string {
  return `"${window.schedule}" (${window.timeZone ?? 'UTC'})`;
}

// ---------------------------------------------------------------------------------------------------------------

interface CompiledWindow {
  cron: CompiledCron;
  timeZone: string;
}

const MAX_MEMO = 256;
const compiledWindows = new Map<string, CompiledWindow>();
/** The last search per window: still the answer for any `now` between its start and the opening it found. */
const lastSearch = new Map<string, { from: number; opensAt: number | undefined }>();

function windowKey(window: PromotionWindow): string {
  return `${window.timeZone ?? 'UTC'}\u0000${window.schedule}`;
}

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(key, value);
  return value;
}

function compiled(window: PromotionWindow): CompiledWindow {
  const key = windowKey(window);
  return (
    compiledWindows.get(key) ??
    remember(compiledWindows, key, { cron: compileCron(window.schedule), timeZone: window.timeZone ?? 'UTC' })
  );
}

function floorTo(now: Date, cron: CompiledCron): number {
  const unit = cron.hasSeconds ? 1000 : 60_000;
  return Math.floor(now.getTime() / unit) * unit;
}

function nextOpening(window: PromotionWindow, nowMs: number): number | undefined {
  const key = windowKey(window);
  const memo = lastSearch.get(key);
  if (memo !== undefined && memo.from <= nowMs && (memo.opensAt === undefined ? false : nowMs <= memo.opensAt)) {
    return memo.opensAt;
  }
  const { cron, timeZone } = compiled(window);
  const opensAt = search(cron, timeZone, nowMs);
  remember(lastSearch, key, { from: nowMs, opensAt });
  return opensAt;
}

/**
 * Walks forward an hour at a time through hours whose date and hour do not match, then picks the first matching
 * minute (and second) inside a matching hour. Hour steps land on the next wall-clock hour because zones change
 * their offset on the hour; every candidate is checked against the wall clock again, so a DST gap is skipped.
 */
function search(cron: CompiledCron, timeZone: string, nowMs: number): number | undefined {
  const start = floorTo(new Date(nowMs), cron);
  const end = nowMs + WINDOW_SEARCH_HORIZON_MS;
  let t = start;
  while (t <= end) {
    const local = wallClock(t, timeZone);
    const toNextHour = ((60 - local.minute) * 60 - local.second) * 1000;
    if (!matchesDate(cron, local) || !cron.hours.has(local.hour)) {
      t += toNextHour;
      continue;
    }
    const found = firstMatchInHour(cron, timeZone, t, local);
    if (found !== undefined) return Math.max(found, nowMs);
    t += toNextHour;
  }
  return undefined;
}

function firstMatchInHour(cron: CompiledCron, timeZone: string, t: number, local: WallClock): number | undefined {
  for (const minute of cron.minutes) {
    if (minute < local.minute) continue;
    const seconds = cron.hasSeconds ? cron.seconds : [0];
    for (const second of seconds) {
      if (minute === local.minute && cron.hasSeconds && second < local.second) continue;
      const candidate = t + ((minute - local.minute) * 60 + (second - (cron.hasSeconds ? local.second : 0))) * 1000;
      if (matchesWallClock(cron, wallClock(candidate, timeZone))) return candidate;
    }
  }
  return undefined;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    remember(formatters, timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at the instant `ms`. */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const hour = Number(parts['hour']);
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: hour === 24 ? 0 : hour,
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    weekday: WEEKDAYS[parts['weekday'] ?? ''] ?? 0,
  };
}
