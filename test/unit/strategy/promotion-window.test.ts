import { describe, expect, it } from 'vitest';
import {
  evaluatePromotionWindows,
  isInsidePromotionWindow,
  nextPromotionWindowOpening,
} from '../../../src/strategy/promotion-window.js';

const WEEKDAY_OFFICE_HOURS = [{ schedule: '* 9-16 * * 1-5', timeZone: 'Europe/Berlin' }];

describe('isInsidePromotionWindow', () => {
  it.each([
    // 2026-01-05 is a Monday; Berlin is UTC+1 in winter.
    ['08:00:00Z Monday = 09:00 Berlin', '2026-01-05T08:00:00Z', true],
    ['07:59:59Z Monday = 08:59:59 Berlin', '2026-01-05T07:59:59Z', false],
    ['the middle of a 5-field minute counts (floored, not second 0 only)', '2026-01-05T08:30:30.500Z', true],
    ['15:59:59Z Monday = 16:59:59 Berlin', '2026-01-05T15:59:59Z', true],
    ['16:00:00Z Monday = 17:00 Berlin', '2026-01-05T16:00:00Z', false],
    ['Saturday', '2026-01-10T10:00:00Z', false],
    // Summer time: UTC+2.
    ['07:00Z in July = 09:00 Berlin', '2026-07-06T07:00:00Z', true],
    ['06:59Z in July = 08:59 Berlin', '2026-07-06T06:59:00Z', false],
  ])('%s', (_what, at, inside) => {
    expect(isInsidePromotionWindow(WEEKDAY_OFFICE_HOURS, new Date(at))).toBe(inside);
  });

  it('uses UTC when no time zone is given, never the host zone', () => {
    const windows = [{ schedule: '* 9 * * *' }];
    expect(isInsidePromotionWindow(windows, new Date('2026-03-01T09:10:00Z'))).toBe(true);
    expect(isInsidePromotionWindow(windows, new Date('2026-03-01T08:10:00Z'))).toBe(false);
  });

  it('is inside when any of several windows matches', () => {
    const windows = [{ schedule: '* 9 * * *' }, { schedule: '* 22 * * *', timeZone: 'America/New_York' }];
    // 22:30 New York (UTC-5) = 03:30Z next day.
    expect(isInsidePromotionWindow(windows, new Date('2026-01-06T03:30:00Z'))).toBe(true);
    expect(isInsidePromotionWindow(windows, new Date('2026-01-06T04:30:00Z'))).toBe(false);
  });

  it('evaluates 6-field expressions per second', () => {
    const windows = [{ schedule: '0-29 * * * * *' }];
    expect(isInsidePromotionWindow(windows, new Date('2026-01-01T00:00:29.900Z'))).toBe(true);
    expect(isInsidePromotionWindow(windows, new Date('2026-01-01T00:00:30Z'))).toBe(false);
  });

  it.each([
    ['last day of the month (L)', '* * L * *', '2026-02-28T12:00:00Z', '2026-02-27T12:00:00Z'],
    ['second Tuesday (2#2)', '* * * * 2#2', '2026-01-13T12:00:00Z', '2026-01-06T12:00:00Z'],
    ['last Friday (5L)', '* * * * 5L', '2026-01-30T12:00:00Z', '2026-01-23T12:00:00Z'],
    [
      'nearest weekday to the 1st (1W; 2026-02-01 is a Sunday)',
      '* * 1W * *',
      '2026-02-02T12:00:00Z',
      '2026-02-01T12:00:00Z',
    ],
    ['month and weekday names', '* * * jan mon-fri', '2026-01-07T12:00:00Z', '2026-02-04T12:00:00Z'],
    ['day-of-month AND day-of-week (node-cron semantics)', '* * 1 * 1', '2026-06-01T12:00:00Z', '2026-01-01T12:00:00Z'],
  ])('%s', (_what, schedule, inside, outside) => {
    expect(isInsidePromotionWindow([{ schedule }], new Date(inside))).toBe(true);
    expect(isInsidePromotionWindow([{ schedule }], new Date(outside))).toBe(false);
  });
});

describe('nextPromotionWindowOpening', () => {
  it.each([
    ['Friday evening → Monday 09:00 Berlin', '2026-01-09T17:00:00Z', '2026-01-12T08:00:00.000Z'],
    ['early Monday → the same morning', '2026-01-05T05:12:34Z', '2026-01-05T08:00:00.000Z'],
    ['inside → now', '2026-01-05T09:15:42Z', '2026-01-05T09:15:42.000Z'],
    // Berlin moves to summer time on 2026-03-29: Monday 09:00 is then 07:00Z.
    ['across the spring DST change', '2026-03-27T18:00:00Z', '2026-03-30T07:00:00.000Z'],
    // …and back on 2026-10-25: Monday 09:00 is 08:00Z again.
    ['across the autumn DST change', '2026-10-23T18:00:00Z', '2026-10-26T08:00:00.000Z'],
  ])('%s', (_what, now, opens) => {
    expect(nextPromotionWindowOpening(WEEKDAY_OFFICE_HOURS, new Date(now))?.toISOString()).toBe(opens);
  });

  it('skips a wall-clock hour that does not exist on the spring DST day', () => {
    // 02:xx does not exist in Berlin on 2026-03-29; the next 02:00 is on the 30th (00:00Z).
    const windows = [{ schedule: '* 2 * * *', timeZone: 'Europe/Berlin' }];
    expect(nextPromotionWindowOpening(windows, new Date('2026-03-28T23:30:00Z'))?.toISOString()).toBe(
      '2026-03-30T00:00:00.000Z',
    );
  });

  it('finds the first matching minute inside a matching hour, in a half-hour zone', () => {
    const windows = [{ schedule: '45 10 * * *', timeZone: 'Asia/Kolkata' }];
    // 10:45 Kolkata (UTC+5:30) = 05:15Z.
    expect(nextPromotionWindowOpening(windows, new Date('2026-01-01T04:50:00Z'))?.toISOString()).toBe(
      '2026-01-01T05:15:00.000Z',
    );
  });

  it('takes the earliest of several windows', () => {
    const windows = [{ schedule: '* 12 * * *' }, { schedule: '30 10 * * *' }];
    expect(nextPromotionWindowOpening(windows, new Date('2026-01-01T10:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T10:30:00.000Z',
    );
  });

  it('gives up beyond the search horizon instead of looping', () => {
    const windows = [{ schedule: '* * 29 2 *' }];
    expect(nextPromotionWindowOpening(windows, new Date('2026-03-01T00:00:00Z'))).toBeUndefined();
  });

  it('answers the same for a later `now` before the opening (memoised search)', () => {
    const first = nextPromotionWindowOpening(WEEKDAY_OFFICE_HOURS, new Date('2026-01-09T17:00:00Z'));
    const later = nextPromotionWindowOpening(WEEKDAY_OFFICE_HOURS, new Date('2026-01-10T17:00:00Z'));
    expect(later).toEqual(first);
  });
});

describe('evaluatePromotionWindows', () => {
  it('is unrestricted without windows, and gives the time to wait when closed', () => {
    expect(evaluatePromotionWindows([], new Date('2026-01-10T10:00:00Z'))).toEqual({ kind: 'unrestricted' });
    expect(evaluatePromotionWindows(WEEKDAY_OFFICE_HOURS, new Date('2026-01-05T08:00:00Z'))).toEqual({ kind: 'open' });
    expect(evaluatePromotionWindows(WEEKDAY_OFFICE_HOURS, new Date('2026-01-05T07:59:30Z'))).toEqual({
      kind: 'closed',
      opensAt: new Date('2026-01-05T08:00:00Z'),
      requeueAfterMs: 30_000,
    });
  });
});
