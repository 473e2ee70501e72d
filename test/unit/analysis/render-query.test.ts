import { describe, expect, it } from 'vitest';
import { renderQuery } from '../../../src/analysis/render-query.js';

const secrets: Record<string, string> = { 'prom/token': 'tok-123', 'prom/password': 'pw-456' };
const getSecret = (name: string, key: string): string | undefined => secrets[`${name}/${key}`];
const args = [
  { name: 'service', value: 'checkout', sensitive: false },
  { name: 'apiKey', value: 'key-789', sensitive: true },
];

describe('renderQuery', () => {
  it('renders a prometheus provider with the default address, headers and bearer auth', async () => {
    const result = await renderQuery(
      'success-rate',
      {
        kind: 'prometheus',
        query: 'up{service="{{args.service}}"}',
        headers: [{ key: 'X-Scope-OrgID', value: '{{args.service}}' }],
        authentication: { bearerTokenSecretRef: { name: 'prom', key: 'token' } },
      },
      { args, getSecret, defaultPrometheusAddress: 'http://prometheus:9090' },
    );
    expect(result).toEqual({
      ok: true,
      query: {
        kind: 'prometheus',
        address: 'http://prometheus:9090',
        query: 'up{service="checkout"}',
        headers: [{ key: 'X-Scope-OrgID', value: 'checkout' }],
        auth: { kind: 'bearer', token: 'tok-123' },
      },
      display: 'up{service="checkout"}',
      secrets: ['key-789', 'tok-123'],
    });
  });

  it('renders basic auth', async () => {
    const result = await renderQuery(
      'm',
      {
        kind: 'prometheus',
        address: 'http://p',
        query: 'up',
        authentication: { basic: { username: 'sluice', passwordSecretRef: { name: 'prom', key: 'password' } } },
      },
      { args, getSecret },
    );
    expect(result).toMatchObject({
      ok: true,
      query: { auth: { kind: 'basic', username: 'sluice', password: 'pw-456' } },
    });
  });

  it('names the metric and the field when something is missing', async () => {
    expect(await renderQuery('m', { kind: 'prometheus', query: 'up' }, { args, getSecret })).toEqual({
      ok: false,
      error: 'metric "m": provider.prometheus.address is not set and the controller has no default Prometheus address',
    });
    const missingArg = await renderQuery(
      'm',
      { kind: 'prometheus', address: 'http://p', query: '{{args.x}}' },
      { args, getSecret },
    );
    expect(missingArg.ok ? '' : missingArg.error).toMatch(
      /^metric "m": provider.prometheus.query: template uses \{\{args.x\}\}/,
    );
    const missingSecret = await renderQuery(
      'm',
      {
        kind: 'prometheus',
        address: 'http://p',
        query: 'up',
        authentication: { bearerTokenSecretRef: { name: 'prom', key: 'x' } },
      },
      { args, getSecret },
    );
    expect(missingSecret).toEqual({
      ok: false,
      error: 'metric "m": provider.prometheus.authentication: bearerTokenSecretRef: Secret "prom" has no key "x"',
    });
  });

  it('renders a web provider and redacts secrets in its display form', async () => {
    const result = await renderQuery(
      'smoke',
      {
        kind: 'web',
        url: 'https://status/{{args.service}}?key={{args.apiKey}}',
        method: 'POST',
        headers: [{ key: 'Authorization', value: 'Key {{args.apiKey}}' }],
        body: '{"service":"{{args.service}}"}',
        jsonPath: '{$.ok}',
        timeoutMs: 2000,
      },
      { args, getSecret },
    );
    expect(result).toEqual({
      ok: true,
      query: {
        kind: 'web',
        url: 'https://status/checkout?key=key-789',
        method: 'POST',
        headers: [{ key: 'Authorization', value: 'Key key-789' }],
        body: '{"service":"checkout"}',
        jsonPath: '{$.ok}',
        timeoutMs: 2000,
      },
      display: 'POST https://status/checkout?key=*****',
      secrets: ['key-789'],
    });
  });

  it('does not render job providers', async () => {
    const result = await renderQuery('j', { kind: 'job', spec: {} }, { args, getSecret });
    expect(result.ok).toBe(false);
  });
});
