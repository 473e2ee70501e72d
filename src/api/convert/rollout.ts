// The Rollout wire object → domain Rollout: defaults applied, durations in ms, strategy as a `kind` union.
import { validate as isValidCron } from 'node-cron';
import type { PodTemplate, PromotionWindow, Rollout, RolloutSpec, RolloutStatus, Strategy } from '../domain.js';
import { API_GROUP_VERSION } from '../domain.js';
import { FAILURE_POLICY_DEFAULTS, ROLLOUT_DEFAULTS } from '../defaults.js';
import { selectorMatches } from '../label-selector.js';
import type { IssueSink } from '../parse-issue.js';
import type { RolloutWire } from '../wire/rollout.js';
import type { RolloutSpecWire } from '../wire/rollout-spec.js';
import { blueGreenToDomain } from './blue-green.js';
import { canaryToDomain } from './canary.js';
import { objectMetaToDomain } from './object-meta.js';

export function rolloutToDomain(wire: RolloutWire, sink: IssueSink): Rollout {
  const metadata = objectMetaToDomain(wire.metadata, ROLLOUT_DEFAULTS.namespace);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Rollout',
    metadata,
    spec: specToDomain(wire.spec, metadata.name, sink),
    status: (wire.status ?? {}) as RolloutStatus,
  };
}

function specToDomain(wire: RolloutSpecWire, rolloutName: string, sink: IssueSink): RolloutSpec {
  const selector = {
    ...(wire.selector.matchLabels ? { matchLabels: { ...wire.selector.matchLabels } } : {}),
    ...(wire.selector.matchExpressions
      ? { matchExpressions: wire.selector.matchExpressions.map((e) => ({ ...e })) }
      : {}),
  };
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    sink.error(['spec', 'selector'], 'must not be empty (an empty selector would adopt every pod in the namespace)');
  } else if (wire.template) {
    const labels = wire.template.metadata?.labels ?? {};
    if (!selectorMatches(selector, labels)) {
      sink.error(
        ['spec', 'selector'],
        'does not match the labels of spec.template.metadata.labels; the Rollout would never see its own pods',
      );
    }
  }

  const minReadySeconds = wire.minReadySeconds ?? ROLLOUT_DEFAULTS.minReadySeconds;
  const progressDeadlineSeconds = wire.progressDeadlineSeconds ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds;
  if (progressDeadlineSeconds <= minReadySeconds) {
    sink.error(['spec', 'progressDeadlineSeconds'], `must be greater than minReadySeconds (${minReadySeconds})`);
  }
  if (wire.restartAt !== undefined && Number.isNaN(Date.parse(wire.restartAt))) {
    sink.error(
      ['spec', 'restartAt'],
      `expected an RFC 3339 time such as "2024-05-01T10:00:00Z", got ${JSON.stringify(wire.restartAt)}`,
    );
  }

  return {
    replicas: wire.replicas ?? ROLLOUT_DEFAULTS.replicas,
    selector,
    ...(wire.template ? { template: structuredClone(wire.template) as PodTemplate } : {}),
    ...(wire.workloadRef
      ? {
          workloadRef: {
            apiVersion: wire.workloadRef.apiVersion ?? ROLLOUT_DEFAULTS.workloadRefApiVersion,
            kind: wire.workloadRef.kind,
            name: wire.workloadRef.name,
            ...(wire.workloadRef.scaleDown !== undefined ? { scaleDown: wire.workloadRef.scaleDown } : {}),
          },
        }
      : {}),
    minReadySeconds,
    revisionHistoryLimit: wire.revisionHistoryLimit ?? ROLLOUT_DEFAULTS.revisionHistoryLimit,
    progressDeadlineSeconds,
    progressDeadlineAbort: wire.progressDeadlineAbort ?? ROLLOUT_DEFAULTS.progressDeadlineAbort,
    paused: wire.paused ?? ROLLOUT_DEFAULTS.paused,
    ...(wire.restartAt !== undefined ? { restartAt: wire.restartAt } : {}),
    strategy: strategyToDomain(wire.strategy, rolloutName, sink),
    failurePolicy: {
      onError: wire.failurePolicy?.onError ?? FAILURE_POLICY_DEFAULTS.onError,
      onInconclusive: wire.failurePolicy?.onInconclusive ?? FAILURE_POLICY_DEFAULTS.onInconclusive,
    },
    promotionWindows: (wire.promotionWindows ?? []).map((window, i) => promotionWindow(window, i, sink)),
  };
}

function strategyToDomain(wire: RolloutSpecWire['strategy'], rolloutName: string, sink: IssueSink): Strategy {
  if (wire.blueGreen)
    return blueGreenToDomain(wire.blueGreen, { path: ['spec', 'strategy', 'blueGreen'], rolloutName, sink });
  // The wire refinement guarantees one of the two; an empty canary is the total answer for the type checker.
  return canaryToDomain(wire.canary ?? {}, { path: ['spec', 'strategy', 'canary'], rolloutName, sink });
}

function promotionWindow(
  wire: { schedule: string; timeZone?: string },
  index: number,
  sink: IssueSink,
): PromotionWindow {
  const path = ['spec', 'promotionWindows', index];
  if (!isValidCron(wire.schedule)) {
    sink.error(
      [...path, 'schedule'],
      `not a valid cron expression: ${JSON.stringify(wire.schedule)} (5 fields, or 6 with seconds first)`,
    );
  }
  if (wire.timeZone !== undefined && !isValidTimeZone(wire.timeZone)) {
    sink.error(
      [...path, 'timeZone'],
      `unknown time zone ${JSON.stringify(wire.timeZone)} (use an IANA name such as "Europe/Berlin")`,
    );
  }
  return { schedule: wire.schedule, ...(wire.timeZone !== undefined ? { timeZone: wire.timeZone } : {}) };
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
