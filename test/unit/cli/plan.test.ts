import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPaths, planText } from '../../../src/cli/plan.js';
import { projectRoot } from '../../../src/paths.js';

const example = (path: string): string => join(projectRoot(), path);

describe('sluice plan', () => {
  it('prints the timeline of examples/canary-istio/40-rollout.yaml with the templates beside it', () => {
    expect(planPaths([example('examples/canary-istio/40-rollout.yaml')])).toBe(PLAN_TEXT);
  });

  it('says which analysis templates it could not find', () => {
    const rollout = `
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
  strategy:
    canary:
      stableService: api-stable
      canaryService: api-canary
      trafficRouting: {istio: {virtualService: {name: api, routes: [primary]}}}
      steps:
        - setWeight: 10
        - analysis: {templates: [{templateName: missing}]}
        - pause: {duration: 1m}
`;
    const text = planText([{ file: 'api.yaml', text: rollout }]);
    expect(text).toContain('Least time to full promotion: 1m, plus pod start-up and weight verification\n');
    expect(text).toContain(
      'Warnings:\n' +
        '  step 1: 10% of 3 replicas is 0.3 pods: the canary runs 1 pod (33% of the capacity) for 10% of the traffic\n' +
        "  step 2: AnalysisTemplate 'missing' is not in the given files: its metrics are not shown\n",
    );
  });

  it('without trafficRouting warns when pod counts cannot carry the weight', () => {
    const rollout = `
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api:1}]}
  strategy:
    canary:
      steps: [{setWeight: 10}, {pause: {}}]
`;
    expect(planText([{ file: 'api.yaml', text: rollout }])).toContain(
      '  step 1: without trafficRouting the split follows pod counts: 10% of 3 replicas becomes 1 of 4 pods (25%)\n',
    );
  });

  it('plans a blue/green rollout as numbered stages', () => {
    const text = planPaths([example('examples/bluegreen')]);
    expect(text).toContain('3      wait for promotion ');
    expect(text).toContain('Least time to full promotion: 20s + 1 manual promotion (step 3)');
  });

  it('refuses files without a Rollout, naming them', () => {
    expect(() => planText([{ file: 'x.yaml', text: 'kind: Service\n' }])).toThrow('no Rollout in x.yaml');
  });
});

const PLAN_TEXT = `Rollout demo-canary-istio/web: canary, 4 replicas
Traffic: Istio VirtualService web (routes: primary)
Background analysis from step 2 (startingStep: 1):
  error-ratio/error-ratio (prometheus): every 30s until stopped
    failure: len(result) > 0 && result[0] > 0.05
    failureLimit 1, inconclusiveLimit 0, consecutiveErrorLimit 4

STEP   ACTION                            WEIGHT   NEW PODS   HOLDS AT LEAST
1      setWeight 10                      10       1          -
2      pause 30s                         10       1          30s
3      setWeight 25                      25       1          -
4      analysis istio-success-rate       25       1          1m30s
       istio-success-rate/success-rate (prometheus): every 30s, 4 measurements
         success: len(result) > 0 && result[0] >= 0.95
         failure: len(result) > 0 && result[0] < 0.95
         failureLimit 1, inconclusiveLimit 2, consecutiveErrorLimit 4
5      setWeight 50                      50       2          -
6      pause until promoted              50       2          until promoted
7      setWeight 100                     100      4          -
-      promoted: new version is stable   100      4          -

Least time to full promotion: 2m + 1 manual promotion (step 6), plus pod start-up and weight verification
Warnings:
  step 1: 10% of 4 replicas is 0.4 pods: the canary runs 1 pod (25% of the capacity) for 10% of the traffic
  step 6: a pause without a duration waits for \`kubectl sluice promote web\`
`;
