import { describe, expect, it } from 'vitest';
import { PLAIN_STYLE } from '../../../src/cli/style.js';
import { DEMO_RELEASES } from '../../../src/demo/demo-settings.js';
import { fitLine, LiveDriver } from '../../../src/demo/live-driver.js';
import type { ViewContext } from '../../../src/demo/live-view.js';
import { T0, v2At } from './fixtures.js';

const ctx: ViewContext = {
  release: DEMO_RELEASES.v2,
  startedAtMs: T0,
  sourceName: 'Prometheus',
  threshold: 0.95,
  failureLimit: 2,
  rateWindow: '30s',
  style: PLAIN_STYLE,
};

function output(isTTY: boolean): { written: string[]; write(text: string): void; isTTY: boolean; columns: number } {
  const written: string[] = [];
  return { written, write: (t: string) => written.push(t), isTTY, columns: 200 };
}

describe('the live driver', () => {
  it('writes only changes as plain lines when not on a terminal', () => {
    const out = output(false);
    const driver = new LiveDriver(out, ctx);
    driver.update(v2At(10, 1));
    driver.update(v2At(10, 1.2));
    driver.update(v2At(25, 13));
    expect(out.written.join('')).not.toContain('\x1b[');
    expect(out.written.filter((w) => w.includes('traffic'))).toHaveLength(2);
  });

  it('redraws the frame in place on a terminal', () => {
    const out = output(true);
    const driver = new LiveDriver(out, ctx);
    driver.update(v2At(10, 1));
    driver.update(v2At(25, 13));
    expect(out.written[0]?.startsWith('\x1b[J')).toBe(true);
    // Back up over the seven lines of the first frame, clear, draw again.
    expect(out.written[1]?.startsWith('\x1b[7A\x1b[J')).toBe(true);
    expect(out.written[1]).toContain('2.0.0 25% · 1.0.0 75%');
    driver.finish();
    driver.update(v2At(25, 14));
    expect(out.written[2]?.startsWith('\x1b[J')).toBe(true);
  });

  it('cuts lines to the terminal width so the redraw arithmetic holds', () => {
    expect(fitLine('\x1b[31mabcdefghij\x1b[39m', 6)).toBe('abcde…');
    expect(fitLine('\x1b[31mabc\x1b[39m', 6)).toBe('\x1b[31mabc\x1b[39m');
  });
});
