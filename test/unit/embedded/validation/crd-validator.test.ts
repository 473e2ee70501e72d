import { describe, expect, test } from 'vitest';
import { compileCrdVersionValidator, type ValidationResult } from '../../../../src/embedded/validation/index.js';
import { upstreamSchema } from './upstream-crds.js';

const virtualServices = compileCrdVersionValidator(upstreamSchema('istio-virtualservices.yaml', 'v1'), 'vs/v1');
const destinationRules = compileCrdVersionValidator(upstreamSchema('istio-destinationrules.yaml', 'v1'), 'dr/v1');
const httpRoutes = compileCrdVersionValidator(
  upstreamSchema('gateway-api-v1.6.1-standard-httproutes.yaml', 'v1'),
  'httproutes/v1',
);
const splitsV1alpha1 = compileCrdVersionValidator(upstreamSchema('smi-trafficsplits.yaml', 'v1alpha1'), 'ts/v1alpha1');
const splitsV1alpha2 = compileCrdVersionValidator(upstreamSchema('smi-trafficsplits.yaml', 'v1alpha2'), 'ts/v1alpha2');

const meta = { name: 'web', namespace: 'shop' };

function virtualService(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec };
}

function httpRoute(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta, spec };
}

function accepted(result: ValidationResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result, null, 1)}`);
  return result.object;
}

function causes(result: ValidationResult): { field: string; reason: string; message: string }[] {
  if (result.ok) throw new Error('expected a rejection');
  return result.causes;
}

const canaryRoute = virtualService({
  hosts: ['web'],
  http: [
    {
      name: 'canary-header',
      match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
      route: [{ destination: { host: 'web-canary' } }],
    },
    {
      name: 'primary',
      timeout: '5s',
      route: [
        { destination: { host: 'web-stable', subset: 'stable' }, weight: 80 },
        { destination: { host: 'web-canary.shop.svc.cluster.local', port: { number: 80 } }, weight: 20 },
      ],
      mirror: { host: 'web-canary' },
      mirrorPercentage: { value: 20 },
    },
  ],
});

describe('valid objects from the routers pass unchanged', () => {
  test('an Istio VirtualService with header match, weights and a mirror', () => {
    expect(accepted(virtualServices.validate(canaryRoute, { fieldValidation: 'Strict' }))).toEqual(canaryRoute);
  });

  test('an Istio DestinationRule with subsets and labels', () => {
    const rule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta,
      spec: {
        host: 'web',
        subsets: [
          { name: 'stable', labels: { 'rollouts-pod-template-hash': 'abc123' } },
          { name: 'canary', labels: { 'rollouts-pod-template-hash': 'def456' } },
        ],
      },
    };
    expect(accepted(destinationRules.validate(rule, { fieldValidation: 'Strict' }))).toEqual(rule);
  });

  test('SMI TrafficSplits: v1alpha1 quantities and v1alpha2 integer weights', () => {
    const v1alpha1 = {
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: meta,
      spec: {
        service: 'web',
        backends: [
          { service: 'web-stable', weight: '500m' },
          { service: 'web-canary', weight: 500 },
        ],
      },
    };
    expect(accepted(splitsV1alpha1.validate(v1alpha1, { fieldValidation: 'Strict' }))).toEqual(v1alpha1);
    const v1alpha2 = {
      ...v1alpha1,
      apiVersion: 'split.smi-spec.io/v1alpha2',
      spec: {
        service: 'web',
        backends: [
          { service: 'web-stable', weight: 80 },
          { service: 'web-canary', weight: 20 },
        ],
      },
    };
    expect(accepted(splitsV1alpha2.validate(v1alpha2, { fieldValidation: 'Strict' }))).toEqual(v1alpha2);
  });
});

describe('schema violations are reported like the API server', () => {
  test('a string weight in a VirtualService names the field and the type', () => {
    const bad = structuredClone(canaryRoute) as { spec: { http: { route: { weight?: unknown }[] }[] } };
    bad.spec.http[0]!.route[0]!.weight = '80';
    expect(causes(virtualServices.validate(bad, { fieldValidation: 'Strict' }))).toContainEqual({
      field: 'spec.http[0].route[0].weight',
      reason: 'FieldValueTypeInvalid',
      message: 'Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string"',
    });
  });

  test('a missing required field', () => {
    const result = virtualServices.validate(
      virtualService({ hosts: ['web'], http: [{ route: [{ destination: {} }] }] }),
      {
        fieldValidation: 'Strict',
      },
    );
    expect(causes(result)).toEqual([
      { field: 'spec.http[0].route[0].destination.host', reason: 'FieldValueRequired', message: 'Required value' },
    ]);
  });

  test('a Gateway API backendRef weight above 1,000,000', () => {
    const route = httpRoute({ rules: [{ backendRefs: [{ name: 'web-canary', port: 80, weight: 1_000_001 }] }] });
    expect(causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }))).toEqual([
      {
        field: 'spec.rules[0].backendRefs[0].weight',
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: 1000001: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000',
      },
    ]);
  });

  test('an enum violation is NotSupported and stops CEL rules from running, as in the API server', () => {
    const route = httpRoute({ rules: [{ matches: [{ path: { type: 'Glob', value: 'no-slash' } }] }] });
    const found = causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }));
    expect(found[0]).toMatchObject({ field: 'spec.rules[0].matches[0].path.type', reason: 'FieldValueNotSupported' });
    expect(found[0]!.message).toBe(
      'Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"',
    );
    expect(found.at(-1)!.message).toContain('some validation rules were not checked');
  });

  test('Istio oneOf: a string match may not be exact and prefix at once', () => {
    const result = virtualServices.validate(
      virtualService({
        hosts: ['web'],
        http: [{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route: [{ destination: { host: 'web' } }] }],
      }),
      { fieldValidation: 'Strict' },
    );
    expect(causes(result)).toEqual([
      {
        field: 'spec.http[0].match[0].uri',
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "object": spec.http[0].match[0].uri in body must validate one and only one schema (oneOf)',
      },
    ]);
  });

  test('x-kubernetes-list-type map: duplicate keys are rejected', () => {
    const route = httpRoute({
      rules: [
        {
          matches: [
            {
              headers: [
                { name: 'x-canary', value: 'a' },
                { name: 'x-canary', value: 'b' },
              ],
            },
          ],
        },
      ],
    });
    expect(causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }))).toEqual([
      {
        field: 'spec.rules[0].matches[0].headers[1]',
        reason: 'FieldValueDuplicate',
        message: 'Duplicate value: {"name":"x-canary"}',
      },
    ]);
  });
});

describe('x-kubernetes-int-or-string', () => {
  const split = (weight: unknown) => ({
    apiVersion: 'split.smi-spec.io/v1alpha1',
    kind: 'TrafficSplit',
    metadata: meta,
    spec: { service: 'web', backends: [{ service: 'web-canary', weight }] },
  });

  test.each([1, '1', '500m'])('accepts %j', (weight) => {
    expect(splitsV1alpha1.validate(split(weight), { fieldValidation: 'Strict' }).ok).toBe(true);
  });

  test.each([1.5, true, { value: 1 }])('rejects %j as a type error', (weight) => {
    const found = causes(splitsV1alpha1.validate(split(weight), { fieldValidation: 'Strict' }));
    expect(found[0]).toMatchObject({ field: 'spec.backends[0].weight', reason: 'FieldValueTypeInvalid' });
  });
});

describe('unknown fields', () => {
  const withUnknown = () => {
    const object = structuredClone(canaryRoute) as Record<string, Record<string, unknown>>;
    object['spec']!['trafficPolicy'] = 'nope';
    object['metadata']!['colour'] = 'blue';
    object['status'] = { anything: { goes: true } };
    return object;
  };

  test('Ignore prunes silently and keeps x-kubernetes-preserve-unknown-fields subtrees', () => {
    const result = accepted(virtualServices.validate(withUnknown(), { fieldValidation: 'Ignore' }));
    expect(result).toEqual({ ...canaryRoute, status: { anything: { goes: true } } });
  });

  test('Warn prunes and warns once per field', () => {
    const result = virtualServices.validate(withUnknown(), { fieldValidation: 'Warn' });
    expect(result).toMatchObject({
      ok: true,
      warnings: ['unknown field "metadata.colour"', 'unknown field "spec.trafficPolicy"'],
    });
  });

  test('Strict rejects and lists the fields', () => {
    expect(virtualServices.validate(withUnknown(), { fieldValidation: 'Strict' })).toEqual({
      ok: false,
      causes: [],
      unknownFields: ['metadata.colour', 'spec.trafficPolicy'],
    });
  });

  test('unknown fields deep in lists carry their index', () => {
    const object = structuredClone(canaryRoute) as { spec: { http: Record<string, unknown>[] } };
    object.spec.http[1]!['weightz'] = 1;
    const result = virtualServices.validate(object, { fieldValidation: 'Strict' });
    expect(result).toMatchObject({ ok: false, unknownFields: ['spec.http[1].weightz'] });
  });

  test('map keys under additionalProperties and labels are never pruned', () => {
    const rule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { ...meta, labels: { team: 'shop' }, annotations: { note: 'x' } },
      spec: { host: 'web', workloadSelector: { matchLabels: { app: 'web', 'x.example/tier': 'edge' } } },
    };
    expect(accepted(destinationRules.validate(rule, { fieldValidation: 'Strict' }))).toEqual(rule);
  });
});

describe('defaults', () => {
  test('HTTPRoute defaults fill the objects that are present, and nothing else', () => {
    const route = httpRoute({
      parentRefs: [{ name: 'gateway' }],
      rules: [
        {
          backendRefs: [
            { name: 'web-stable', port: 80 },
            { name: 'web-canary', port: 80, weight: 0 },
          ],
        },
      ],
    });
    const stored = accepted(httpRoutes.validate(route, { fieldValidation: 'Strict' }));
    expect(stored['spec']).toEqual({
      parentRefs: [{ name: 'gateway', group: 'gateway.networking.k8s.io', kind: 'Gateway' }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [
            { name: 'web-stable', port: 80, group: '', kind: 'Service', weight: 1 },
            { name: 'web-canary', port: 80, group: '', kind: 'Service', weight: 0 },
          ],
        },
      ],
    });
  });

  test('null in a non-nullable field is dropped, then defaulted', () => {
    const route = httpRoute({ rules: [{ backendRefs: [{ name: 'web', port: 80, weight: null, kind: null }] }] });
    const stored = accepted(httpRoutes.validate(route, { fieldValidation: 'Strict' })) as {
      spec: { rules: { backendRefs: unknown[] }[] };
    };
    expect(stored.spec.rules[0]!.backendRefs[0]).toEqual({
      name: 'web',
      port: 80,
      group: '',
      kind: 'Service',
      weight: 1,
    });
  });

  test('the input object is never mutated', () => {
    const route = httpRoute({ rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] });
    const before = structuredClone(route);
    httpRoutes.validate(route, { fieldValidation: 'Strict' });
    expect(route).toEqual(before);
  });
});
