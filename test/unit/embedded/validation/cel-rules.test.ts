import { describe, expect, test, vi } from 'vitest';
import { compileCrdVersionValidator, type ValidationResult } from '../../../../src/embedded/validation/index.js';
import { loadUpstreamCrdVersions, upstreamSchema } from './upstream-crds.js';

const httpRoutes = compileCrdVersionValidator(
  upstreamSchema('gateway-api-v1.6.1-standard-httproutes.yaml', 'v1'),
  'httproutes/v1',
);
const grpcRoutes = compileCrdVersionValidator(
  upstreamSchema('gateway-api-v1.6.1-standard-grpcroutes.yaml', 'v1'),
  'grpcroutes/v1',
);
const virtualServices = compileCrdVersionValidator(upstreamSchema('istio-virtualservices.yaml', 'v1'), 'vs/v1');

function httpRoute(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' }, spec };
}

function causes(result: ValidationResult): { field: string; reason: string; message: string }[] {
  if (result.ok) throw new Error('expected a rejection');
  return result.causes;
}

test('every x-kubernetes-validations rule of every upstream CRD compiles', () => {
  let total = 0;
  const failures: unknown[] = [];
  for (const version of loadUpstreamCrdVersions()) {
    const validator = compileCrdVersionValidator(version.schema, `${version.name}/${version.version}`);
    total += validator.celRules.total;
    failures.push(...validator.celRules.failures);
  }
  expect(failures).toEqual([]);
  expect(total).toBe(582);
});

describe('upstream CEL rules reject what the API server rejects', () => {
  test('a PathPrefix path must start with "/"', () => {
    const route = httpRoute({ rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }] });
    expect(causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }))).toContainEqual({
      field: 'spec.rules[0].matches[0].path',
      reason: 'FieldValueInvalid',
      message:
        "Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    });
  });

  test('a RequestMirror filter may not set both percent and fraction', () => {
    const route = httpRoute({
      rules: [
        {
          filters: [
            {
              type: 'RequestMirror',
              requestMirror: {
                backendRef: { name: 'web-canary', port: 80 },
                percent: 20,
                fraction: { numerator: 1, denominator: 5 },
              },
            },
          ],
          backendRefs: [{ name: 'web-stable', port: 80 }],
        },
      ],
    });
    expect(causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }))).toEqual([
      {
        field: 'spec.rules[0].filters[0].requestMirror',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "object": Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
      },
    ]);
  });

  test('a RequestMirror with a percent alone is accepted', () => {
    const route = httpRoute({
      rules: [
        {
          filters: [
            { type: 'RequestMirror', requestMirror: { backendRef: { name: 'web-canary', port: 80 }, percent: 20 } },
          ],
          backendRefs: [{ name: 'web-stable', port: 80 }],
        },
      ],
    });
    expect(httpRoutes.validate(route, { fieldValidation: 'Strict' }).ok).toBe(true);
  });

  test('a redirect and backendRefs together fail the rule on spec.rules[0], has() behind an index works', () => {
    const route = httpRoute({
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
          filters: [
            {
              type: 'RequestRedirect',
              requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } },
            },
          ],
          backendRefs: [{ name: 'web', port: 80 }],
        },
      ],
    });
    expect(causes(httpRoutes.validate(route, { fieldValidation: 'Strict' }))).toEqual([
      {
        field: 'spec.rules[0]',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "object": RequestRedirect filter must not be used together with backendRefs',
      },
    ]);
  });

  test('parentRefs uniqueness sees `namespace` through its escaped name __namespace__', () => {
    const refs = (a: string, b: string) =>
      httpRoute({
        parentRefs: [
          { name: 'gw', namespace: a },
          { name: 'gw', namespace: b },
        ],
      });
    expect(httpRoutes.validate(refs('a', 'b'), { fieldValidation: 'Strict' }).ok).toBe(true);
    const found = causes(httpRoutes.validate(refs('a', 'a'), { fieldValidation: 'Strict' }));
    expect(found.map((c) => c.field)).toEqual(['spec.parentRefs']);
  });

  test('Istio: an HTTP route timeout below 1ms uses duration()', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web' },
      spec: { hosts: ['web'], http: [{ timeout: '0s', route: [{ destination: { host: 'web' } }] }] },
    };
    expect(causes(virtualServices.validate(vs, { fieldValidation: 'Strict' }))).toEqual([
      {
        field: 'spec.http[0].timeout',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "string": must be a valid duration greater than 1ms',
      },
    ]);
  });

  test('RE2 inline flags (?i) in matches() work (GRPCRoute service names)', () => {
    const route = (service: string) => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GRPCRoute',
      metadata: { name: 'web' },
      spec: { rules: [{ matches: [{ method: { service, method: 'Get' } }] }] },
    });
    expect(grpcRoutes.validate(route('Shop.Catalog'), { fieldValidation: 'Strict' }).ok).toBe(true);
    expect(causes(grpcRoutes.validate(route('9shop'), { fieldValidation: 'Strict' }))[0]?.field).toBe(
      'spec.rules[0].matches[0].method',
    );
  });
});

describe('rule features beyond the upstream CRDs', () => {
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: {
            type: 'integer',
            'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }],
          },
          steps: {
            type: 'array',
            items: { type: 'object', properties: { weight: { type: 'integer' } } },
            'x-kubernetes-validations': [
              {
                rule: 'self.all(s, s.weight <= 100)',
                messageExpression:
                  "'weights must be at most 100, got ' + string(self.map(s, s.weight).size()) + ' steps'",
                fieldPath: '.weights',
                reason: 'FieldValueForbidden',
              },
            ],
          },
        },
      },
    },
  };

  test('transition rules run only on updates', () => {
    const validator = compileCrdVersionValidator(schema, 'test/v1');
    const object = { spec: { replicas: 3 } };
    expect(validator.validate(object, { fieldValidation: 'Strict' }).ok).toBe(true);
    expect(validator.validate(object, { fieldValidation: 'Strict', oldObject: { spec: { replicas: 3 } } }).ok).toBe(
      true,
    );
    expect(
      causes(validator.validate(object, { fieldValidation: 'Strict', oldObject: { spec: { replicas: 2 } } })),
    ).toEqual([
      { field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: "integer": is immutable' },
    ]);
  });

  test('messageExpression, fieldPath and reason shape the cause', () => {
    const validator = compileCrdVersionValidator(schema, 'test/v1');
    const found = causes(
      validator.validate({ spec: { steps: [{ weight: 10 }, { weight: 150 }] } }, { fieldValidation: 'Strict' }),
    );
    expect(found).toEqual([
      {
        field: 'spec.steps.weights',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: weights must be at most 100, got 2 steps',
      },
    ]);
  });

  test('a rule that does not compile is reported once and skipped', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const withBrokenRule = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { broken: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size( >' }] } },
        },
      },
    };
    const validator = compileCrdVersionValidator(withBrokenRule, 'test/v1');
    expect(validator.celRules.failures).toEqual([
      expect.objectContaining({ where: 'test/v1 spec.broken', rule: 'self.size( >' }),
    ]);
    expect(validator.validate({ spec: { broken: 'x' } }, { fieldValidation: 'Strict' }).ok).toBe(true);
    compileCrdVersionValidator(withBrokenRule, 'test/v1');
    expect(warn.mock.calls.length).toBe(1);
    warn.mockRestore();
  });
});
