// A cron matcher for promotion windows. node-cron's `parse` expands the grammar (names, ranges, steps, lists,
// nicknames, `?`, 7 = Sunday) — the same parser that validated the spec — and this file matches the expanded fields
// against a wall-clock time. node-cron's own `createTask().match()` would do too, but a task registers itself in a
// process-wide registry and its next-run search reads the real clock; policy code must take `now` instead.
// As in node-cron, every field must match: day-of-month AND day-of-week (not Vixie cron's OR).
import { parse } from 'node-cron';

/** A wall-clock time in some time zone. `weekday` is 0 (Sunday) … 6. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

type DayToken = number | string;

export interface CompiledCron {
  /** Six fields given (seconds first): a window is evaluated per second instead of per minute. */
  hasSeconds: boolean;
  seconds: readonly number[];
  minutes: readonly number[];
  hours: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfMonth: readonly DayToken[];
  daysOfWeek: readonly DayToken[];
}

/** Throws for an expression node-cron does not accept (the spec parser rejects those first). */
export function compileCron(schedule: string): CompiledCron {
  const fields = parse(schedule);
  const trimmed = schedule.trim();
  const hasSeconds = !trimmed.startsWith('@') && trimmed.split(/\s+/).length === 6;
  return {
    hasSeconds,
    seconds: [...fields.second].sort((a, b) => a - b),
    minutes: [...fields.minute].sort((a, b) => a - b),
    hours: new Set(fields.hour),
    months: new Set(fields.month),
    daysOfMonth: fields.dayOfMonth,
    daysOfWeek: fields.dayOfWeek,
  };
}

/** Month, day-of-month and day-of-week match (the parts of a date that do not depend on the time of day). */
export function matchesDate(cron: CompiledCron, t: WallClock): boolean {
  return (
    cron.months.has(t.month) &&
    cron.daysOfMonth.some((token) => dayOfMonthMatches(token, t)) &&
    cron.daysOfWeek.some((token) => dayOfWeekMatches(token, t))
  );
}

export function matchesWallClock(cron: CompiledCron, t: WallClock): boolean {
  return (
    matchesDate(cron, t) &&
    cron.hours.has(t.hour) &&
    cron.minutes.includes(t.minute) &&
    (!cron.hasSeconds || cron.seconds.includes(t.second))
  );
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The weekday nearest to `target` inside the same month (`15W`). */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = lastDayOfMonth(year, month);
  if (target < 1 || target > last) return -1;
  const weekday = weekdayOf(year, month, target);
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function dayOfMonthMatches(token: DayToken, t: WallClock): boolean {
  if (typeof token === 'number') return token === t.day;
  const last = lastDayOfMonth(t.year, t.month);
  if (token === 'L') return t.day === last;
  const weekday = /^(\d{1,2}|L)W$/.exec(token);
  if (weekday?.[1] !== undefined) {
    const target = weekday[1] === 'L' ? last : Number(weekday[1]);
    return nearestWeekday(t.year, t.month, target) === t.day;
  }
  const offset = /^L-(\d{1,2})$/.exec(token);
  if (offset?.[1] !== undefined) return last - Number(offset[1]) === t.day;
  return false;
}

function dayOfWeekMatches(token: DayToken, t: WallClock): boolean {
  if (typeof token === 'number') return token % 7 === t.weekday;
  const lastOfMonth = /^([0-7])L$/i.exec(token);
  if (lastOfMonth?.[1] !== undefined) {
    return Number(lastOfMonth[1]) % 7 === t.weekday && t.day + 7 > lastDayOfMonth(t.year, t.month);
  }
  const nth = /^([0-7])#([1-5])$/.exec(token);
  if (nth?.[1] !== undefined && nth[2] !== undefined) {
    return Number(nth[1]) % 7 === t.weekday && Math.floor((t.day - 1) / 7) + 1 === Number(nth[2]);
  }
  return false;
}
