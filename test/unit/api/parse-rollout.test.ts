import { describe, expect, it } from 'vitest';
import type { ParseIssue, Rollout } from '../../../src/api/index.js';
import { formatPath, parseRollout } from '../../../src/api/index.js';

type Json = Record<string, unknown>;

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.2.0' }] },
};

function rollout(spec: Json, metadata: Json = { name: 'web', namespace: 'shop' }): Json {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata,
    spec: { selector: { matchLabels: { app: 'web' } }, template, ...spec },
  };
}

const canary = (fields: Json): Json => rollout({ strategy: { canary: fields } });
const istio = { istio: { virtualService: { name: 'web', routes: ['primary'] } } };
const routed = (fields: Json): Json =>
  canary({
    stableService: 'web-stable',
    canaryService: 'web-canary',
    trafficRouting: { ...istio, managedRoutes: [{ name: 'beta' }, { name: 'shadow' }] },
    ...fields,
  });

function parsedValue(obj: unknown): Rollout {
  const result = parseRollout(obj);
  if (!result.ok) throw new Error(result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n'));
  return result.value;
}

function issuesOf(obj: unknown): { path: string; message: string; severity: ParseIssue['severity'] }[] {
  const result = parseRollout(obj);
  const issues = result.ok ? result.warnings : result.issues;
  return issues.map((i) => ({ path: formatPath(i.path), message: i.message, severity: i.severity }));
}

describe('parseRollout: defaults', () => {
  it('applies Argo’s defaults (and Sluice’s failure policy) to a minimal canary', () => {
    const value = parsedValue(rollout({ strategy: { canary: {} } }, { name: 'web' }));
    expect(value.metadata).toEqual({ name: 'web', namespace: 'default' });
    expect(value.status).toEqual({});
    const { template: _template, ...spec } = value.spec;
    expect(spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      progressDeadlineAbort: false,
      paused: false,
      strategy: {
        kind: 'canary',
        steps: [],
        maxSurge: { kind: 'percent', value: 25 },
        maxUnavailable: { kind: 'percent', value: 25 },
        dynamicStableScale: false,
        scaleDownDelayMs: 30_000,
        abortScaleDownDelayMs: 30_000,
        minPodsPerReplicaSet: 1,
      },
      failurePolicy: { onError: 'pause', onInconclusive: 'pause' },
      promotionWindows: [],
    });
  });

  it('defaults blue/green auto-promotion and delays, SMI split name and API version, workloadRef apiVersion', () => {
    const bg = parsedValue(rollout({ strategy: { blueGreen: { activeService: 'web-active' } } }));
    expect(bg.spec.strategy).toEqual({
      kind: 'blueGreen',
      activeService: 'web-active',
      autoPromotionEnabled: true,
      scaleDownDelayMs: 30_000,
      abortScaleDownDelayMs: 30_000,
    });
    const smi = parsedValue(
      canary({ stableService: 's', canaryService: 'c', trafficRouting: { smi: { rootService: 'web' } } }),
    );
    expect(smi.spec.strategy.kind === 'canary' && smi.spec.strategy.trafficRouting).toEqual({
      router: { kind: 'smi', rootService: 'web', trafficSplitName: 'web', apiVersion: 'split.smi-spec.io/v1alpha2' },
      managedRoutes: [],
    });
    const ref = rollout({
      template: undefined,
      workloadRef: { kind: 'Deployment', name: 'web' },
      strategy: { canary: {} },
    });
    expect(parsedValue(ref).spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
  });

  it('keeps explicit values instead of defaults', () => {
    const value = parsedValue(
      rollout({
        replicas: 0,
        failurePolicy: { onError: 'abort' },
        strategy: { canary: { maxSurge: 2, maxUnavailable: '0%', minPodsPerReplicaSet: 2 } },
      }),
    );
    expect(value.spec.replicas).toBe(0);
    expect(value.spec.failurePolicy).toEqual({ onError: 'abort', onInconclusive: 'pause' });
    expect(value.spec.strategy).toMatchObject({
      maxSurge: { kind: 'count', value: 2 },
      maxUnavailable: { kind: 'percent', value: 0 },
      minPodsPerReplicaSet: 2,
    });
  });
});

describe('parseRollout: durations', () => {
  it.each([
    [30, 30_000],
    ['30', 30_000],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('pause duration %j is %i ms', (duration, ms) => {
    const value = parsedValue(canary({ steps: [{ pause: { duration } }] }));
    expect(value.spec.strategy.kind === 'canary' && value.spec.strategy.steps).toEqual([
      { kind: 'pause', durationMs: ms },
    ]);
  });

  it.each([['10x'], ['-5s'], [''], ['5 m'], [true], [-1]])('rejects pause duration %j', (duration) => {
    expect(issuesOf(canary({ steps: [{ pause: { duration } }] }))).toEqual([
      expect.objectContaining({ path: 'spec.strategy.canary.steps[0].pause.duration', severity: 'error' }),
    ]);
  });

  it('rejects a zero pause duration (an empty pause waits for a promote instead)', () => {
    expect(issuesOf(canary({ steps: [{ pause: { duration: '0s' } }] }))).toEqual([
      {
        path: 'spec.strategy.canary.steps[0].pause.duration',
        severity: 'error',
        message: 'must be greater than 0 (omit duration to wait for a promote)',
      },
    ]);
  });
});

describe('parseRollout: shape errors name the path', () => {
  it('suggests the nearest field for a misspelt one, reports out-of-range weights and steps with two actions', () => {
    expect(issuesOf(canary({ steps: [{ setWieght: 20 }, { setWeight: 150 }, { setWeight: 10, pause: {} }] }))).toEqual([
      {
        path: 'spec.strategy.canary.steps[0].setWieght',
        severity: 'error',
        message: 'unknown field "setWieght" (did you mean "setWeight"?)',
      },
      { path: 'spec.strategy.canary.steps[1].setWeight', severity: 'error', message: 'must be at most 100, got 150' },
      {
        path: 'spec.strategy.canary.steps[2]',
        severity: 'error',
        message:
          'a step takes exactly one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, setMirrorRoute; this one has setWeight and pause',
      },
    ]);
  });

  it('lists the known fields when nothing is close', () => {
    const [issue] = issuesOf(rollout({ strategy: { canary: {} }, frobnicate: 1 }));
    expect(issue?.path).toBe('spec.frobnicate');
    expect(issue?.message).toMatch(/^unknown field "frobnicate" \(known fields: replicas, selector, template, /);
  });

  it('suggests enum values and reports missing required fields', () => {
    expect(issuesOf(rollout({ strategy: { canary: {} }, failurePolicy: { onError: 'abrot' } }))).toEqual([
      {
        path: 'spec.failurePolicy.onError',
        severity: 'error',
        message: 'must be one of "abort", "pause", got "abrot" (did you mean "abort"?)',
      },
    ]);
    expect(issuesOf(rollout({ strategy: { blueGreen: {} } }))).toEqual([
      { path: 'spec.strategy.blueGreen.activeService', severity: 'error', message: 'required field is missing' },
    ]);
  });

  it('rejects a wrong apiVersion and kind', () => {
    expect(issuesOf({ ...rollout({ strategy: { canary: {} } }), apiVersion: 'argoproj.io/v1alpha1' })).toEqual([
      { path: 'apiVersion', severity: 'error', message: 'must be "sluice.dev/v1alpha1", got "argoproj.io/v1alpha1"' },
    ]);
  });
});

type RuleCase = [string, Json, string, string];

describe('parseRollout: cross-field rules', () => {
  const cases: RuleCase[] = [
    ['no strategy', rollout({ strategy: {} }), 'spec.strategy', 'strategy needs exactly one of canary, blueGreen'],
    [
      'two strategies',
      rollout({ strategy: { canary: {}, blueGreen: { activeService: 'a' } } }),
      'spec.strategy',
      'strategy takes exactly one of canary, blueGreen; this one has canary and blueGreen',
    ],
    [
      'template and workloadRef',
      rollout({ workloadRef: { kind: 'Deployment', name: 'web' }, strategy: { canary: {} } }),
      'spec',
      'a Rollout spec takes exactly one of template, workloadRef; this one has template and workloadRef',
    ],
    [
      'an empty step',
      canary({ steps: [{}] }),
      'spec.strategy.canary.steps[0]',
      'a step needs exactly one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, setMirrorRoute',
    ],
    [
      'negative weight',
      canary({ steps: [{ setWeight: -1 }] }),
      'spec.strategy.canary.steps[0].setWeight',
      'must be at least 0, got -1',
    ],
    [
      'fractional weight',
      canary({ steps: [{ setWeight: 12.5 }] }),
      'spec.strategy.canary.steps[0].setWeight',
      'expected an integer, got 12.5',
    ],
    [
      'mirror percentage over 100',
      routed({ steps: [{ setMirrorRoute: { name: 'shadow', percentage: 101 } }] }),
      'spec.strategy.canary.steps[0].setMirrorRoute.percentage',
      'must be at most 100, got 101',
    ],
    [
      'router without services',
      canary({ trafficRouting: istio }),
      'spec.strategy.canary.stableService',
      'required when trafficRouting is set (the router splits traffic between the stable and canary Services)',
    ],
    [
      'same stable and canary service',
      canary({ stableService: 'a', canaryService: 'a' }),
      'spec.strategy.canary.canaryService',
      'canaryService and stableService must be different Services',
    ],
    [
      'two routers',
      canary({ stableService: 's', canaryService: 'c', trafficRouting: { ...istio, smi: { rootService: 'web' } } }),
      'spec.strategy.canary.trafficRouting',
      'trafficRouting takes exactly one of istio, gatewayAPI, smi; this one has istio and smi',
    ],
    [
      'header route not in managedRoutes',
      routed({
        steps: [{ setHeaderRoute: { name: 'other', match: [{ headerName: 'x', headerValue: { exact: '1' } }] } }],
      }),
      'spec.strategy.canary.steps[0].setHeaderRoute.name',
      'route "other" must be listed in trafficRouting.managedRoutes',
    ],
    [
      'mirror route not in managedRoutes',
      routed({ steps: [{ setMirrorRoute: { name: 'other', percentage: 5 } }] }),
      'spec.strategy.canary.steps[0].setMirrorRoute.name',
      'route "other" must be listed in trafficRouting.managedRoutes',
    ],
    [
      'header route with SMI',
      canary({
        stableService: 's',
        canaryService: 'c',
        trafficRouting: { smi: { rootService: 'web' }, managedRoutes: [{ name: 'beta' }] },
        steps: [{ setHeaderRoute: { name: 'beta' } }],
      }),
      'spec.strategy.canary.steps[0].setHeaderRoute',
      'the smi router cannot do header routes; use istio or gatewayAPI',
    ],
    [
      'mirror route with SMI',
      canary({
        stableService: 's',
        canaryService: 'c',
        trafficRouting: { smi: { rootService: 'web' }, managedRoutes: [{ name: 'm' }] },
        steps: [{ setMirrorRoute: { name: 'm' } }],
      }),
      'spec.strategy.canary.steps[0].setMirrorRoute',
      'the smi router cannot do mirroring; use istio or gatewayAPI',
    ],
    [
      'header route without a router',
      canary({ steps: [{ setHeaderRoute: { name: 'beta' } }] }),
      'spec.strategy.canary.steps[0].setHeaderRoute',
      'setHeaderRoute needs trafficRouting with a router that supports it (istio or gatewayAPI)',
    ],
    [
      'setCanaryScale without a router',
      canary({ steps: [{ setCanaryScale: { replicas: 1 } }] }),
      'spec.strategy.canary.steps[0].setCanaryScale',
      'setCanaryScale needs trafficRouting (without a router the canary size is the weight)',
    ],
    [
      'setCanaryScale with two keys',
      routed({ steps: [{ setCanaryScale: { replicas: 1, weight: 5 } }] }),
      'spec.strategy.canary.steps[0].setCanaryScale',
      'setCanaryScale takes exactly one of replicas, weight, matchTrafficWeight; this one has replicas and weight',
    ],
    [
      'header match with two kinds',
      routed({
        steps: [
          { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x', headerValue: { exact: 'a', prefix: 'b' } }] } },
        ],
      }),
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue',
      'a match takes exactly one of exact, prefix, regex; this one has exact and prefix',
    ],
    [
      'invalid header regex',
      routed({
        steps: [{ setHeaderRoute: { name: 'beta', match: [{ headerName: 'x', headerValue: { regex: '(' } }] } }],
      }),
      'spec.strategy.canary.steps[0].setHeaderRoute.match[0].headerValue.regex',
      'not a valid regular expression',
    ],
    [
      'duplicate managed route',
      routed({ trafficRouting: { ...istio, managedRoutes: [{ name: 'a' }, { name: 'a' }] } }),
      'spec.strategy.canary.trafficRouting.managedRoutes[1].name',
      'managed route "a" is listed twice',
    ],
    [
      'gatewayAPI without a route',
      canary({ stableService: 's', canaryService: 'c', trafficRouting: { gatewayAPI: { namespace: 'x' } } }),
      'spec.strategy.canary.trafficRouting.gatewayAPI',
      'gatewayAPI needs httpRoute, httpRoutes or grpcRoute',
    ],
    [
      'equal DestinationRule subsets',
      canary({
        trafficRouting: {
          istio: { ...istio.istio, destinationRule: { name: 'web', canarySubsetName: 'a', stableSubsetName: 'a' } },
        },
      }),
      'spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName',
      'canarySubsetName and stableSubsetName must differ',
    ],
    [
      'maxSurge and maxUnavailable both 0',
      canary({ maxSurge: 0, maxUnavailable: '0%' }),
      'spec.strategy.canary.maxUnavailable',
      'maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod',
    ],
    [
      'percent over 100',
      canary({ maxSurge: '150%' }),
      'spec.strategy.canary.maxSurge',
      'must be at most 100%, got 150%',
    ],
    [
      'malformed percent',
      canary({ maxSurge: '25 %' }),
      'spec.strategy.canary.maxSurge',
      'expected a non-negative integer or a percentage such as "25%"',
    ],
    [
      'dynamicStableScale with scaleDownDelaySeconds',
      routed({ dynamicStableScale: true, scaleDownDelaySeconds: 10 }),
      'spec.strategy.canary.dynamicStableScale',
      'dynamicStableScale cannot be combined with scaleDownDelaySeconds',
    ],
    [
      'dynamicStableScale without a router',
      canary({ dynamicStableScale: true }),
      'spec.strategy.canary.dynamicStableScale',
      'dynamicStableScale needs trafficRouting',
    ],
    [
      'startingStep beyond the steps',
      canary({ steps: [{ setWeight: 10 }], analysis: { templates: [{ templateName: 'ok' }], startingStep: 1 } }),
      'spec.strategy.canary.analysis.startingStep',
      'must name a step (0..0); there are 1 step(s)',
    ],
    [
      'empty template list',
      canary({ steps: [{ analysis: { templates: [] } }] }),
      'spec.strategy.canary.steps[0].analysis.templates',
      'must have at least 1 item(s)',
    ],
    [
      'malformed templateName',
      canary({ steps: [{ analysis: { templates: [{ templateName: 'Bad_Name' }] } }] }),
      'spec.strategy.canary.steps[0].analysis.templates[0].templateName',
      'must be a valid Kubernetes object name (lowercase letters, digits, "-", ".")',
    ],
    [
      'arg with value and valueFrom',
      canary({
        steps: [
          {
            analysis: {
              templates: [{ templateName: 't' }],
              args: [{ name: 'a', value: 'x', valueFrom: { podTemplateHashValue: 'Latest' } }],
            },
          },
        ],
      }),
      'spec.strategy.canary.steps[0].analysis.args[0]',
      'an argument takes exactly one of value, valueFrom; this one has value and valueFrom',
    ],
    [
      'arg without a value',
      canary({ steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'a' }] } }] }),
      'spec.strategy.canary.steps[0].analysis.args[0]',
      'an argument needs exactly one of value, valueFrom',
    ],
    [
      'bad podTemplateHashValue',
      canary({
        steps: [
          {
            analysis: {
              templates: [{ templateName: 't' }],
              args: [{ name: 'a', valueFrom: { podTemplateHashValue: 'Canary' } }],
            },
          },
        ],
      }),
      'spec.strategy.canary.steps[0].analysis.args[0].valueFrom.podTemplateHashValue',
      'must be one of "Stable", "Latest", got "Canary"',
    ],
    [
      'duplicate arg',
      canary({
        steps: [
          {
            analysis: {
              templates: [{ templateName: 't' }],
              args: [
                { name: 'a', value: '1' },
                { name: 'a', value: '2' },
              ],
            },
          },
        ],
      }),
      'spec.strategy.canary.steps[0].analysis.args[1].name',
      'argument "a" is given twice',
    ],
    [
      'duplicate template',
      canary({ steps: [{ analysis: { templates: [{ templateName: 't' }, { templateName: 't' }] } }] }),
      'spec.strategy.canary.steps[0].analysis.templates[1].templateName',
      'template "t" is listed twice',
    ],
    [
      'selector not matching the template',
      rollout({ selector: { matchLabels: { app: 'api' } }, strategy: { canary: {} } }),
      'spec.selector',
      'does not match the labels of spec.template.metadata.labels; the Rollout would never see its own pods',
    ],
    [
      'empty selector',
      rollout({ selector: {}, strategy: { canary: {} } }),
      'spec.selector',
      'must not be empty (an empty selector would adopt every pod in the namespace)',
    ],
    [
      'progress deadline not above minReadySeconds',
      rollout({ minReadySeconds: 600, strategy: { canary: {} } }),
      'spec.progressDeadlineSeconds',
      'must be greater than minReadySeconds (600)',
    ],
    [
      'bad restartAt',
      rollout({ restartAt: 'tomorrow', strategy: { canary: {} } }),
      'spec.restartAt',
      'expected an RFC 3339 time such as "2024-05-01T10:00:00Z", got "tomorrow"',
    ],
    [
      'bad cron',
      rollout({ promotionWindows: [{ schedule: '* 25 * * *' }], strategy: { canary: {} } }),
      'spec.promotionWindows[0].schedule',
      'not a valid cron expression: "* 25 * * *" (5 fields, or 6 with seconds first)',
    ],
    [
      'bad time zone',
      rollout({
        promotionWindows: [{ schedule: '* 9-17 * * 1-5', timeZone: 'Mars/Olympus' }],
        strategy: { canary: {} },
      }),
      'spec.promotionWindows[0].timeZone',
      'unknown time zone "Mars/Olympus" (use an IANA name such as "Europe/Berlin")',
    ],
    [
      'template without containers',
      rollout({ template: { metadata: template.metadata, spec: { containers: [] } }, strategy: { canary: {} } }),
      'spec.template.spec.containers',
      'must have at least 1 item(s)',
    ],
    [
      'blue/green same services',
      rollout({ strategy: { blueGreen: { activeService: 'a', previewService: 'a' } } }),
      'spec.strategy.blueGreen.previewService',
      'previewService and activeService must be different Services',
    ],
    [
      'blue/green mirror without a router',
      rollout({ strategy: { blueGreen: { activeService: 'a', previewService: 'p', mirror: { percentage: 10 } } } }),
      'spec.strategy.blueGreen.mirror',
      'mirror needs trafficRouting with a router that mirrors (istio or gatewayAPI)',
    ],
    [
      'blue/green mirror with SMI',
      rollout({
        strategy: {
          blueGreen: {
            activeService: 'a',
            previewService: 'p',
            trafficRouting: { smi: { rootService: 'r' } },
            mirror: { percentage: 10 },
          },
        },
      }),
      'spec.strategy.blueGreen.mirror',
      'the smi router cannot mirror traffic; use istio or gatewayAPI',
    ],
    [
      'blue/green router without preview',
      rollout({ strategy: { blueGreen: { activeService: 'a', trafficRouting: istio } } }),
      'spec.strategy.blueGreen.previewService',
      'required when trafficRouting is set (the router sends traffic to the preview Service)',
    ],
  ];

  it.each(cases)('%s', (_, obj, path, message) => {
    expect(issuesOf(obj)).toContainEqual({ path, message, severity: 'error' });
    expect(parseRollout(obj).ok).toBe(false);
  });

  it('accepts subset-level Istio routing without canary/stable Services', () => {
    const value = parsedValue(
      canary({
        trafficRouting: {
          istio: {
            ...istio.istio,
            destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable' },
          },
        },
      }),
    );
    expect(value.spec.strategy.kind === 'canary' && value.spec.strategy.trafficRouting?.router).toEqual({
      kind: 'istio',
      virtualService: { name: 'web', routes: ['primary'] },
      destinationRule: { name: 'web', canarySubsetName: 'canary', stableSubsetName: 'stable' },
    });
  });

  it.each([
    [
      'scaleDownDelaySeconds without a router',
      canary({ scaleDownDelaySeconds: 5 }),
      'spec.strategy.canary.scaleDownDelaySeconds',
      'scaleDownDelaySeconds only applies with trafficRouting; it is ignored here',
    ],
    [
      'autoPromotionSeconds while auto-promotion is off',
      rollout({
        strategy: { blueGreen: { activeService: 'a', autoPromotionEnabled: false, autoPromotionSeconds: 30 } },
      }),
      'spec.strategy.blueGreen.autoPromotionSeconds',
      'ignored while autoPromotionEnabled is false',
    ],
  ] as RuleCase[])('warns (and still parses): %s', (_, obj, path, message) => {
    const result = parseRollout(obj);
    expect(result.ok).toBe(true);
    expect(issuesOf(obj)).toEqual([{ path, message, severity: 'warning' }]);
  });
});
