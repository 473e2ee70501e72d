import { describe, expect, it } from 'vitest';
import { abortDecision, retryDecision } from '../../../src/cli/abort.js';
import { pauseDecision, resumeDecision } from '../../../src/cli/pause.js';
import { promoteDecision } from '../../../src/cli/promote.js';
import { restartDecision } from '../../../src/cli/restart.js';
import { mergePatchBetween } from '../../../src/cli/rollout-action.js';
import { parseImageAssignments, setImageDecision } from '../../../src/cli/set-image.js';
import { undoDecision } from '../../../src/cli/undo.js';
import { CliError } from '../../../src/cli/cli-error.js';
import {
  blueGreenPreview,
  canaryAborted,
  canaryHealthy,
  canaryMidStep,
  canaryPaused,
  replicaSet,
  rolloutObject,
} from './fixtures.js';

describe('promote', () => {
  it('clears the pause conditions of a paused canary (the controller then moves one step)', () => {
    expect(promoteDecision(canaryPaused().rollout, { full: false })).toEqual({
      kind: 'patch',
      status: { pauseConditions: null },
      done: "rollout 'web' promoted",
    });
  });

  it('skips the current step of a canary that nothing pauses (an analysis step): currentStepIndex + 1', () => {
    expect(promoteDecision(canaryMidStep().rollout, { full: false })).toEqual({
      kind: 'patch',
      status: { currentStepIndex: 4 },
      done: "rollout 'web' promoted",
    });
  });

  it('unpauses spec.paused as well, and never clears conditions and skips a step at once', () => {
    const objects = canaryPaused();
    objects.rollout['spec'] = { ...(objects.rollout['spec'] as object), paused: true };
    expect(promoteDecision(objects.rollout, { full: false })).toEqual({
      kind: 'patch',
      status: { pauseConditions: null },
      spec: { paused: false },
      done: "rollout 'web' promoted",
    });
  });

  it('resumes a blue/green pause', () => {
    expect(promoteDecision(blueGreenPreview().rollout, { full: false })).toMatchObject({
      status: { pauseConditions: null },
    });
  });

  it('--full sets status.promoteFull', () => {
    expect(promoteDecision(canaryMidStep().rollout, { full: true })).toEqual({
      kind: 'patch',
      status: { promoteFull: true },
      done: "rollout 'web' fully promoted",
    });
  });

  it('refuses a Healthy rollout and an aborted one', () => {
    expect(promoteDecision(canaryHealthy().rollout, { full: false })).toEqual({
      kind: 'refuse',
      message: "rollout 'web' is not paused and has no update in progress (Healthy)",
    });
    expect(promoteDecision(canaryHealthy().rollout, { full: true })).toEqual({
      kind: 'refuse',
      message: "rollout 'web' is already fully promoted (Healthy)",
    });
    expect(promoteDecision(canaryAborted().rollout, { full: false })).toEqual({
      kind: 'refuse',
      message: "rollout 'web' is aborted: use 'retry' to start its steps again",
    });
  });
});

describe('abort and retry', () => {
  it('abort sets status.abort on a rollout mid-update', () => {
    expect(abortDecision(canaryPaused().rollout)).toEqual({
      kind: 'patch',
      status: { abort: true },
      done: "rollout 'web' aborted",
    });
  });

  it('abort refuses a rollout with nothing in progress, or already aborted', () => {
    expect(abortDecision(canaryHealthy().rollout)).toMatchObject({
      kind: 'refuse',
      message: "rollout 'web' has no update in progress to abort (Healthy)",
    });
    expect(abortDecision(canaryAborted().rollout)).toMatchObject({ message: "rollout 'web' is already aborted" });
  });

  it('abort is allowed right after a spec change the controller has not seen yet', () => {
    const objects = canaryHealthy();
    objects.rollout.metadata = { ...objects.rollout.metadata, generation: 3 };
    expect(abortDecision(objects.rollout)).toMatchObject({ kind: 'patch', status: { abort: true } });
  });

  it('retry clears status.abort, and only on an aborted rollout', () => {
    expect(retryDecision(canaryAborted().rollout)).toEqual({
      kind: 'patch',
      status: { abort: false },
      done: "rollout 'web' retried",
    });
    expect(retryDecision(canaryPaused().rollout)).toEqual({
      kind: 'refuse',
      message: "rollout 'web' is not aborted: nothing to retry",
    });
  });
});

describe('pause and resume', () => {
  it('pause sets spec.paused', () => {
    expect(pauseDecision(canaryMidStep().rollout)).toEqual({
      kind: 'patch',
      spec: { paused: true },
      done: "rollout 'web' paused",
    });
  });

  it('resume clears spec.paused and the pause conditions, as Argo CD’s resume action', () => {
    const objects = canaryPaused();
    objects.rollout['spec'] = { ...(objects.rollout['spec'] as object), paused: true };
    expect(resumeDecision(objects.rollout)).toEqual({
      kind: 'patch',
      status: { pauseConditions: null },
      spec: { paused: false },
      done: "rollout 'web' resumed",
    });
    expect(resumeDecision(canaryMidStep().rollout)).toEqual({ kind: 'refuse', message: "rollout 'web' is not paused" });
  });

  it('pause refuses a rollout that is already paused', () => {
    const rollout = rolloutObject({ spec: { paused: true } });
    expect(pauseDecision(rollout)).toEqual({ kind: 'refuse', message: "rollout 'web' is already paused" });
  });
});

describe('restart', () => {
  it('sets spec.restartAt to now, or later with --in', () => {
    const now = new Date('2026-01-01T00:00:00.250Z');
    expect(restartDecision(canaryHealthy().rollout, now, 0)).toEqual({
      kind: 'patch',
      spec: { restartAt: '2026-01-01T00:00:01Z' },
      done: "rollout 'web' restarts",
    });
    expect(restartDecision(canaryHealthy().rollout, new Date('2026-01-01T00:00:00Z'), 30_000)).toMatchObject({
      spec: { restartAt: '2026-01-01T00:00:30Z' },
      done: "rollout 'web' restarts pods created before 2026-01-01T00:00:30Z",
    });
  });
});

describe('undo', () => {
  const replicaSets = [replicaSet('new', 2, 'web:2', 4), replicaSet('old', 1, 'web:1', 0)];

  it('copies the previous revision’s template back, without the pod-template-hash label', () => {
    const decision = undoDecision(canaryHealthy().rollout, replicaSets, undefined);
    expect(decision).toEqual({
      kind: 'patch',
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
      done: "rollout 'web' rolled back to revision 1",
    });
  });

  it('leaves out the role labels and annotations the controller put on the old template (ephemeral metadata)', () => {
    const template = (image: string, extra: Record<string, string>) => ({
      metadata: { labels: { app: 'web', ...extra }, annotations: { team: 'shop', 'sluice.dev/role-note': 'x' } },
      spec: { containers: [{ name: 'web', image }] },
    });
    const rollout = {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'shop', uid: 'u-web' },
      spec: {
        template: {
          metadata: { labels: { app: 'web' }, annotations: { team: 'shop' } },
          spec: template('web:2', {}).spec,
        },
        strategy: {
          canary: {
            canaryMetadata: { labels: { role: 'canary' } },
            stableMetadata: { labels: { role: 'stable' }, annotations: { 'sluice.dev/role-note': 'x' } },
          },
        },
      },
      status: { currentPodHash: 'h2' },
    };
    const rs = (hash: string, revision: number, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-${hash}`,
        namespace: 'shop',
        labels: { 'pod-template-hash': hash },
        annotations: { 'sluice.dev/revision': String(revision) },
        ownerReferences: [{ apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u-web' }],
      },
      spec: { template: template(image, { role: 'stable', 'pod-template-hash': hash }) },
    });
    const decision = undoDecision(rollout, [rs('h2', 2, 'web:2'), rs('h1', 1, 'web:1')], undefined);
    expect(decision).toEqual({
      kind: 'patch',
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
      done: "rollout 'web' rolled back to revision 1",
    });
  });

  it('refuses an unknown revision and the revision already running', () => {
    expect(undoDecision(canaryHealthy().rollout, replicaSets, 7)).toEqual({
      kind: 'refuse',
      message: "rollout 'web' has no revision 7 (revisions: 2, 1)",
    });
    expect(undoDecision(canaryHealthy().rollout, replicaSets, 2)).toEqual({
      kind: 'refuse',
      message: "rollout 'web' already runs the template of revision 2",
    });
  });

  it('ignores ReplicaSets owned by another rollout', () => {
    const foreign = replicaSet('other', 1, 'x:1', 1);
    foreign.metadata = {
      ...foreign.metadata,
      ownerReferences: [{ apiVersion: 'v', kind: 'Rollout', name: 'api', uid: 'u' }],
    };
    expect(undoDecision(canaryHealthy().rollout, [replicaSets[0]!, foreign], undefined)).toMatchObject({
      kind: 'refuse',
      message: "rollout 'web' has no earlier revision to go back to (revisions: 2)",
    });
  });
});

describe('set image', () => {
  it('changes the named container, leaving the others', () => {
    expect(setImageDecision(canaryHealthy().rollout, parseImageAssignments(['web=web:3']))).toEqual({
      kind: 'patch',
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'migrate', image: 'migrate:1' }],
            containers: [{ name: 'web', image: 'web:3' }],
          },
        },
      },
      done: "rollout 'web' image updated",
    });
  });

  it('* changes every container, init containers included', () => {
    expect(setImageDecision(canaryHealthy().rollout, parseImageAssignments(['*=all:9']))).toMatchObject({
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'migrate', image: 'all:9' }],
            containers: [{ name: 'web', image: 'all:9' }],
          },
        },
      },
    });
  });

  it('names the containers when one does not exist, and changes nothing when the image is already set', () => {
    expect(setImageDecision(canaryHealthy().rollout, parseImageAssignments(['api=x:1']))).toEqual({
      kind: 'refuse',
      message: "rollout 'web' has no container named 'api' (containers: migrate, web)",
    });
    expect(setImageDecision(canaryHealthy().rollout, parseImageAssignments(['web=web:2']))).toEqual({
      kind: 'noop',
      done: "rollout 'web' image unchanged",
    });
  });

  it('rejects an argument that is not CONTAINER=IMAGE', () => {
    expect(() => parseImageAssignments(['web'])).toThrow(CliError);
    expect(() => parseImageAssignments(['=x'])).toThrow('"=x" is not CONTAINER=IMAGE (use * for every container)');
  });
});

describe('mergePatchBetween', () => {
  it('sends changed members, nulls removed ones and replaces lists whole', () => {
    expect(
      mergePatchBetween(
        { a: 1, b: { c: 2, d: 3 }, list: [1, 2], gone: true },
        { a: 1, b: { c: 5, d: 3 }, list: [1], added: 'x' },
      ),
    ).toEqual({ b: { c: 5 }, list: [1], added: 'x', gone: null });
  });
});
