import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/clock.js';
import { createLogger } from '../../../src/controller/log.js';
import { KubeError } from '../../../src/kube/kube-error.js';

describe('createLogger', () => {
  it('writes one JSON object per line with the clock time, level, message and fields', () => {
    const lines: string[] = [];
    const log = createLogger({ clock: new FakeClock('2026-01-01T00:00:05Z'), write: (l) => lines.push(l) });
    log.child({ component: 'queue' }).info('reconciled', { key: 'prod/web', ms: 12 });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { ts: '2026-01-01T00:00:05.000Z', level: 'info', msg: 'reconciled', component: 'queue', key: 'prod/web', ms: 12 },
    ]);
  });

  it('drops lines below the level, and everything when silent', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['c', 'd']);
    const silent = createLogger({ level: 'silent', write: (l) => lines.push(l) });
    silent.error('x');
    expect(lines).toHaveLength(2);
  });

  it('renders errors with their class and code', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });
    log.error('write failed', {
      err: new KubeError({ class: 'conflict', code: 409, reason: 'Conflict', message: 'modified' }),
    });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      err: { name: 'KubeError', message: 'modified', class: 'conflict', code: 409 },
    });
  });
});
