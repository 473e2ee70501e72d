import { describe, expect, it } from 'vitest';
import type { ArgResolvers, ResolvedArg } from '../../../src/analysis/args.js';
import {
  escapePromQLString,
  mergeArgs,
  readFieldPath,
  redactSecrets,
  renderPromQL,
  renderTemplate,
  resolveArgs,
} from '../../../src/analysis/args.js';

const rollout = {
  metadata: { name: 'checkout', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'checkout-app' } },
  spec: { template: { spec: { containers: [{ image: 'shop/checkout:2.1' }] } }, replicas: 4 },
};
const resolvers: ArgResolvers = {
  getSecret: (name, key) => (name === 'prom' && key === 'token' ? 's3cr3t' : undefined),
  rollout,
  stablePodHash: '6d8f7c',
  latestPodHash: '9a1b2c',
};

function arg(name: string, value: string, sensitive = false): ResolvedArg {
  return { name, value, sensitive };
}

describe('resolveArgs', () => {
  it('resolves plain values, secrets, fieldRefs and pod-template hashes', async () => {
    const result = await resolveArgs(
      [
        { name: 'service', value: 'checkout' },
        { name: 'token', valueFrom: { secretKeyRef: { name: 'prom', key: 'token' } } },
        { name: 'app', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
        { name: 'image', valueFrom: { fieldRef: { fieldPath: 'spec.template.spec.containers[0].image' } } },
        { name: 'stable', valueFrom: { podTemplateHashValue: 'Stable' } },
        { name: 'latest', valueFrom: { podTemplateHashValue: 'Latest' } },
      ],
      resolvers,
    );
    expect(result).toEqual({
      ok: true,
      args: [
        arg('service', 'checkout'),
        arg('token', 's3cr3t', true),
        arg('app', 'checkout-app'),
        arg('image', 'shop/checkout:2.1'),
        arg('stable', '6d8f7c'),
        arg('latest', '9a1b2c'),
      ],
    });
  });

  it.each([
    [{ name: 'service' }, /arg "service" has no value/],
    [
      { name: 'x', value: 'a', valueFrom: { podTemplateHashValue: 'Stable' as const } },
      /arg "x" sets both value and valueFrom/,
    ],
    [
      { name: 'token', valueFrom: { secretKeyRef: { name: 'prom', key: 'nope' } } },
      /arg "token": Secret "prom" has no key "nope"/,
    ],
    [
      { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      /arg "ns": fieldRef "metadata.uid": the rollout has no value at "uid"/,
    ],
    [{ name: 'ns', valueFrom: { fieldRef: { fieldPath: 'spec.template' } } }, /not a string, number or boolean/],
  ])('reports %j clearly', async (spec, pattern) => {
    const result = await resolveArgs([spec], resolvers);
    expect(result.ok ? '' : result.error).toMatch(pattern);
  });

  it('reports a pod hash that is not known yet', async () => {
    const result = await resolveArgs([{ name: 'h', valueFrom: { podTemplateHashValue: 'Latest' } }], {
      getSecret: () => undefined,
    });
    expect(result).toEqual({ ok: false, error: 'arg "h": podTemplateHashValue Latest is not known yet' });
  });

  it('reports a failing secret lookup with the secret name', async () => {
    const result = await resolveArgs([{ name: 't', valueFrom: { secretKeyRef: { name: 'prom', key: 'k' } } }], {
      getSecret: () => Promise.reject(new Error('forbidden')),
    });
    expect(result).toEqual({ ok: false, error: 'arg "t": cannot read Secret "prom": forbidden' });
  });
});

describe('mergeArgs', () => {
  it('lets supplied values override template defaults by name and ignores unknown names', () => {
    expect(
      mergeArgs(
        [{ name: 'service' }, { name: 'threshold', value: '0.95' }],
        [
          { name: 'service', value: 'checkout' },
          { name: 'extra', value: 'x' },
        ],
      ),
    ).toEqual([
      { name: 'service', value: 'checkout' },
      { name: 'threshold', value: '0.95' },
    ]);
  });
});

describe('readFieldPath', () => {
  it('reads numbers and bracketed keys', () => {
    expect(readFieldPath(rollout, 'spec.replicas')).toEqual({ ok: true, value: '4' });
    expect(readFieldPath(rollout, 'metadata["namespace"]')).toEqual({ ok: true, value: 'shop' });
  });
  it('rejects malformed paths', () => {
    expect(readFieldPath(rollout, 'metadata..name')).toEqual({
      ok: false,
      error: 'cannot parse the path at character 9',
    });
  });
});

describe('renderTemplate', () => {
  it('substitutes both placeholder spellings and redacts sensitive values in the display form', () => {
    const result = renderTemplate('https://api/{{args.path}}?token={{ args.token }}', [
      arg('path', 'health'),
      arg('token', 's3cr3t', true),
    ]);
    expect(result).toEqual({
      ok: true,
      text: 'https://api/health?token=s3cr3t',
      display: 'https://api/health?token=*****',
    });
  });

  it('names a missing arg', () => {
    expect(renderTemplate('{{args.nope}}', [arg('service', 'x')])).toEqual({
      ok: false,
      error: 'template uses {{args.nope}} but no arg "nope" is defined (args: service)',
    });
  });

  it('leaves other braces alone', () => {
    expect(renderTemplate('{"a": {{args.n}}}', [arg('n', '1')])).toMatchObject({ text: '{"a": 1}' });
  });
});

describe('renderPromQL', () => {
  const query = 'sum(rate(http_requests_total{service="{{args.service}}",code!~"5.."}[{{args.window}}]))';

  it('substitutes ordinary values unchanged', () => {
    const result = renderPromQL(query, [arg('service', 'checkout'), arg('window', '5m')]);
    expect(result).toMatchObject({
      ok: true,
      text: 'sum(rate(http_requests_total{service="checkout",code!~"5.."}[5m]))',
    });
  });

  it('keeps a hostile value inside its label matcher string', () => {
    const hostile = 'x"} or vector(1) or up{a="';
    const result = renderPromQL(query, [arg('service', hostile), arg('window', '5m')]);
    expect(result).toMatchObject({
      ok: true,
      text: 'sum(rate(http_requests_total{service="x\\"} or vector(1) or up{a=\\"",code!~"5.."}[5m]))',
    });
  });

  it.each([
    ['a\\b', 'a\\\\b'],
    ['line\nbreak', 'line\\nbreak'],
    ['tab\there', 'tab\\there'],
    ["it's", "it's"],
  ])('escapes %j inside double quotes as %j', (value, escaped) => {
    expect(renderPromQL('up{a="{{args.v}}"}', [arg('v', value)])).toMatchObject({ text: `up{a="${escaped}"}` });
  });

  it('escapes for single-quoted strings too', () => {
    expect(renderPromQL("up{a='{{args.v}}'}", [arg('v', `it's "x"`)])).toMatchObject({ text: `up{a='it\\'s "x"'}` });
  });

  it('does not confuse an escaped quote in the template with the end of the string', () => {
    expect(renderPromQL('up{a="\\"{{args.v}}"}', [arg('v', '"')])).toMatchObject({ text: 'up{a="\\"\\""}' });
  });

  it.each(['5m', '1h30m', '0.95', '-1', '1e3', 'http_requests_total', 'namespace:rate5m'])(
    'accepts the bare value %j outside quotes',
    (value) => {
      expect(renderPromQL('x[{{args.v}}]', [arg('v', value)])).toMatchObject({ ok: true, text: `x[${value}]` });
    },
  );

  it.each(['5m] or vector(1', '1 or 2', 'or', 'a-b', '', 'x}', 'x\n'])(
    'rejects the bare value %j outside quotes',
    (value) => {
      const result = renderPromQL('x[{{args.v}}]', [arg('v', value)]);
      expect(result.ok ? '' : result.error).toMatch(/arg "v" is used outside a quoted string/);
    },
  );

  it('treats placeholders in comments as outside quotes', () => {
    const result = renderPromQL('# {{args.v}}\nup', [arg('v', 'x\nvector(1)')]);
    expect(result.ok).toBe(false);
  });

  it('rejects a backtick inside a raw string', () => {
    const result = renderPromQL('up{a=`{{args.v}}`}', [arg('v', 'a`b')]);
    expect(result.ok ? '' : result.error).toMatch(/backtick/);
  });

  it('redacts secrets in the display form', () => {
    const result = renderPromQL('up{t="{{args.t}}"}', [arg('t', 'hunter2', true)]);
    expect(result).toEqual({ ok: true, text: 'up{t="hunter2"}', display: 'up{t="*****"}' });
  });

  it('escapePromQLString is the documented rule', () => {
    expect(escapePromQLString('a"b\\c\n', '"')).toBe('a\\"b\\\\c\\n');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence and ignores empty secrets', () => {
    expect(redactSecrets('token s3cr3t failed (s3cr3t)', ['s3cr3t', ''])).toBe('token ***** failed (*****)');
  });
});
