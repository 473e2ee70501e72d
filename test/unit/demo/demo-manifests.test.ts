import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAnalysisTemplate, parseRollout } from '../../../src/api/index.js';
import {
  demoAnalysisTemplate,
  demoManifests,
  demoSteps,
  failureCondition,
  successCondition,
  successRateQuery,
} from '../../../src/demo/demo-manifests.js';
import { DEMO_PACINGS, DEMO_RELEASES, demoProfile } from '../../../src/demo/demo-settings.js';
import { parseSimProfile, imageBehaviour } from '../../../src/embedded/index.js';
import { projectRoot } from '../../../src/paths.js';

const shipped = parseYaml(
  readFileSync(join(projectRoot(), 'analysis-templates', 'istio-success-rate.yaml'), 'utf8'),
) as {
  spec: {
    metrics: { successCondition: string; failureCondition: string; provider: { prometheus: { query: string } } }[];
  };
};
const shippedMetric = shipped.spec.metrics[0]!;
const squash = (q: string): string => q.replace(/\s+/g, '');

describe('the demo app', () => {
  for (const pacing of Object.values(DEMO_PACINGS)) {
    it(`parses as a valid Rollout and AnalysisTemplate (${pacing.name} pace, both metric sources)`, () => {
      for (const source of [
        { kind: 'prometheus' as const },
        { kind: 'builtin' as const, url: 'http://127.0.0.1:1/x' },
      ]) {
        const objects = demoManifests(pacing, source, DEMO_RELEASES.v1);
        const rollout = parseRollout(objects.find((o) => o.kind === 'Rollout'));
        const template = parseAnalysisTemplate(objects.find((o) => o.kind === 'AnalysisTemplate'));
        expect(rollout.ok ? [] : rollout.issues).toEqual([]);
        expect(template.ok ? [] : template.issues).toEqual([]);
      }
    });
  }

  it('moves 10% → 25% → 50% → 100% with a pause after each step but the last', () => {
    expect(demoSteps(DEMO_PACINGS.normal)).toEqual([
      { setWeight: 10 },
      { pause: { duration: '12s' } },
      { setWeight: 25 },
      { pause: { duration: '12s' } },
      { setWeight: 50 },
      { pause: { duration: '12s' } },
      { setWeight: 100 },
    ]);
  });

  it('judges with the shipped istio-success-rate template’s conditions and query, only the window differs', () => {
    expect(successCondition()).toBe(shippedMetric.successCondition);
    expect(failureCondition()).toBe(shippedMetric.failureCondition);
    expect(squash(successRateQuery('1m'))).toBe(squash(shippedMetric.provider.prometheus.query));
  });

  it('leaves the Prometheus address to the controller, and reads the built-in source through the web provider', () => {
    const prom = demoAnalysisTemplate(DEMO_PACINGS.fast, { kind: 'prometheus' }) as {
      spec: { metrics: { provider: unknown }[] };
    };
    expect(prom.spec.metrics[0]?.provider).toEqual({ prometheus: { query: successRateQuery('10s') } });
    const web = demoAnalysisTemplate(DEMO_PACINGS.fast, {
      kind: 'builtin',
      url: 'http://127.0.0.1:9/demo/v1/success-rate',
    }) as {
      spec: { metrics: { provider: { web: { url: string; jsonPath: string } } }[] };
    };
    expect(web.spec.metrics[0]?.provider.web).toMatchObject({
      url: 'http://127.0.0.1:9/demo/v1/success-rate?namespace={{args.namespace}}&service={{args.service-name}}&revision={{args.revision}}&window=10s',
      jsonPath: '{$.result}',
    });
  });

  it('simulates v2 failing 30% of requests and v1, v3 healthy', () => {
    const profile = parseSimProfile(demoProfile(DEMO_PACINGS.normal));
    expect(imageBehaviour(profile, DEMO_RELEASES.v1.image).errorRate).toBe(0);
    expect(imageBehaviour(profile, DEMO_RELEASES.v2.image).errorRate).toBe(0.3);
    expect(imageBehaviour(profile, DEMO_RELEASES.v3.image).errorRate).toBe(0);
  });
});
