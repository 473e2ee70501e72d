import { describe, expect, it } from 'vitest';
import { renderRolloutList } from '../../../src/cli/render-list.js';
import { rolloutInfo } from '../../../src/cli/rollout-info.js';
import { makeStyle, PLAIN_STYLE } from '../../../src/cli/style.js';
import { blueGreenPreview, canaryAborted, canaryHealthy, canaryMidStep, canaryPaused } from './fixtures.js';

const infos = [canaryPaused(), canaryMidStep(), canaryAborted(), blueGreenPreview(), canaryHealthy()].map(rolloutInfo);

describe('list rollouts rendering', () => {
  it('prints kubectl-style columns when piped', () => {
    expect(renderRolloutList(infos, PLAIN_STYLE, { allNamespaces: false })).toBe(
      [
        'NAME   STRATEGY    STATUS        STEP   SET-WEIGHT   VERIFIED          READY   DESIRED   UP-TO-DATE   AVAILABLE',
        'web    Canary      Paused        1/7    10           10                5/5     4         1            5',
        'web    Canary      Progressing   3/7    25           10 (unverified)   4/5     4         1            4',
        'web    Canary      Degraded      0/7    0            0                 5/5     4         1            5',
        'web    BlueGreen   Paused        -      -            -                 6/6     3         3            6',
        'web    Canary      Healthy       7/7    100          100               4/4     4         4            4',
        '',
      ].join('\n'),
    );
  });

  it('adds the namespace with --all-namespaces and icons on a terminal', () => {
    expect(
      renderRolloutList(infos.slice(0, 3), makeStyle({ icons: true, colour: false }), { allNamespaces: true }),
    ).toBe(
      [
        'NAMESPACE   NAME   STRATEGY   STATUS          STEP   SET-WEIGHT   VERIFIED   READY   DESIRED   UP-TO-DATE   AVAILABLE',
        'shop        web    Canary     ॥ Paused        1/7    10           10 ✔       5/5     4         1            5',
        'shop        web    Canary     ◌ Progressing   3/7    25           10 ✖       4/5     4         1            4',
        'shop        web    Canary     ✖ Degraded      0/7    0            0 ✔        5/5     4         1            5',
        '',
      ].join('\n'),
    );
  });
});
