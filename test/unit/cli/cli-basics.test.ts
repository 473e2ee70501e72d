import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError, formatError } from '../../../src/cli/cli-error.js';
import { bashCompletion, zshCompletion } from '../../../src/cli/completion.js';
import { exactDuration, humanAge } from '../../../src/cli/format-duration.js';
import { parseDurationFlag } from '../../../src/cli/kube-flags.js';
import { formatObjects } from '../../../src/cli/output-format.js';
import { assessRollout } from '../../../src/cli/rollout-health.js';
import { registerRolloutVerbs } from '../../../src/cli/rollout-verbs.js';
import { renderTable } from '../../../src/cli/table.js';
import { errorFromResponse, KubeError } from '../../../src/kube/kube-error.js';
import { canaryAborted, canaryHealthy, canaryPaused } from './fixtures.js';

describe('status verdicts', () => {
  it('Healthy succeeds, Degraded fails with the reason, anything else waits', () => {
    expect(assessRollout(canaryHealthy().rollout)).toEqual({ kind: 'healthy', line: 'Healthy' });
    expect(assessRollout(canaryAborted().rollout)).toEqual({
      kind: 'degraded',
      line: 'Degraded - RolloutAborted: Rollout aborted update to revision 2',
      message: 'RolloutAborted: Rollout aborted update to revision 2',
    });
    expect(assessRollout(canaryPaused().rollout)).toEqual({ kind: 'waiting', line: 'Paused - CanaryPauseStep' });
  });

  it('a Healthy status for an older generation is still waiting', () => {
    const { rollout } = canaryHealthy();
    rollout.metadata = { ...rollout.metadata, generation: 3 };
    expect(assessRollout(rollout)).toEqual({
      kind: 'waiting',
      line: 'Progressing - waiting for rollout spec update to be observed',
    });
  });
});

describe('errors', () => {
  it('prints API errors the way kubectl does, without the client’s call prefix', () => {
    const err = errorFromResponse(
      { code: 404, body: { kind: 'Status', reason: 'NotFound', message: 'rollouts.sluice.dev "web" not found' } },
      'get Rollout.sluice.dev shop/web',
    );
    expect(formatError(err)).toBe('Error from server (NotFound): rollouts.sluice.dev "web" not found');
    const conflict = errorFromResponse(
      { code: 409, body: { reason: 'Conflict', message: 'the object has been modified' } },
      'merge-patch status of Rollout.sluice.dev shop/web',
    );
    expect(formatError(conflict)).toBe('Error from server (Conflict): the object has been modified');
  });

  it('prints its own errors and network failures as error: …', () => {
    expect(formatError(new CliError("rollout 'web' is not paused"))).toBe("error: rollout 'web' is not paused");
    const network = new KubeError({
      class: 'retryable',
      code: 0,
      reason: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED',
    });
    expect(formatError(network)).toBe('error: connect ECONNREFUSED');
  });
});

describe('durations', () => {
  it('ages read like kubectl’s', () => {
    expect([5_000, 119_000, 200_000, 45 * 60_000, 5 * 3_600_000, 30 * 3_600_000, 5 * 86_400_000].map(humanAge)).toEqual(
      ['5s', '119s', '3m20s', '45m', '5h', '30h', '5d'],
    );
  });

  it('exact durations for pauses and analysis', () => {
    expect([250, 30_000, 90_000, 3_600_000, 3_605_000].map(exactDuration)).toEqual([
      '250ms',
      '30s',
      '1m30s',
      '1h',
      '1h0m5s',
    ]);
  });

  it('flags take Go-style durations or seconds', () => {
    expect(parseDurationFlag('--timeout', '5m')).toBe(300_000);
    expect(parseDurationFlag('--timeout', '90')).toBe(90_000);
    expect(() => parseDurationFlag('--timeout', 'soon')).toThrow(
      'invalid value "soon" for --timeout: expected a duration such as 30s, 5m or 1h',
    );
  });
});

describe('output', () => {
  it('tables have uppercase headers and three-space gaps, without trailing blanks', () => {
    expect(
      renderTable(
        ['NAME', 'STATUS'],
        [
          ['web', 'Healthy'],
          ['checkout-api', ''],
        ],
      ),
    ).toBe('NAME           STATUS\nweb            Healthy\ncheckout-api\n');
  });

  it('-o yaml quotes YAML 1.1 booleans and -o json prints lists as a List', () => {
    expect(formatObjects('yaml', { kind: 'X', metadata: { labels: { flag: 'on' } } })).toContain('flag: "on"');
    expect(JSON.parse(formatObjects('json', [{ kind: 'Rollout' }]))).toMatchObject({
      kind: 'List',
      items: [{ kind: 'Rollout' }],
    });
  });
});

describe('completion', () => {
  const program = new Command('sluice');
  registerRolloutVerbs(program);

  it('completes verbs, subcommands and flags for sluice and kubectl-sluice', () => {
    const script = bashCompletion(program);
    expect(script).toContain('complete -F _sluice_complete sluice kubectl-sluice');
    expect(script).toMatch(/COMPREPLY=\( \$\(compgen -W "abort completion get list pause plan promote/);
    expect(script).toMatch(/ {4}get\) opts="[^"]*--namespace[^"]*rollout[^"]*"/);
    expect(zshCompletion(program)).toContain('bashcompinit');
  });
});
