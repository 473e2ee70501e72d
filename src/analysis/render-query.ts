// Turns a metric's provider spec plus resolved args into what a provider measures: placeholders substituted
// (PromQL-escaped for Prometheus), credentials read from Secrets, the default Prometheus address applied. Also
// returns a display form (secrets replaced) and the list of secret values, so callers can redact messages.

import type { ResolvedArg } from './args.js';
import { renderPromQL, renderTemplate } from './args.js';
import type { Header, PrometheusAuthSpec, ProviderSpec, RenderedQuery, ResolvedAuth } from './types.js';
import { assertNever } from '../util/assert-never.js';

export interface RenderQueryOptions {
  args: readonly ResolvedArg[];
  /** Used when a prometheus provider omits `address` (the controller's --prometheus-address). */
  defaultPrometheusAddress?: string;
  getSecret(name: string, key: string): Promise<string | undefined> | string | undefined;
}

export type RenderQueryResult =
  { ok: true; query: RenderedQuery; display: string; secrets: readonly string[] } | { ok: false; error: string };

export async function renderQuery(
  metricName: string,
  provider: ProviderSpec,
  options: RenderQueryOptions,
): Promise<RenderQueryResult> {
  const fail = (error: string): RenderQueryResult => ({ ok: false, error: `metric "${metricName}": ${error}` });
  const secrets = options.args.filter((arg) => arg.sensitive).map((arg) => arg.value);
  switch (provider.kind) {
    case 'prometheus': {
      const address = provider.address ?? options.defaultPrometheusAddress;
      if (address === undefined || address === '') {
        return fail('provider.prometheus.address is not set and the controller has no default Prometheus address');
      }
      const renderedAddress = renderTemplate(address, options.args);
      if (!renderedAddress.ok) return fail(`provider.prometheus.address: ${renderedAddress.error}`);
      const query = renderPromQL(provider.query, options.args);
      if (!query.ok) return fail(`provider.prometheus.query: ${query.error}`);
      const headers = renderHeaders(provider.headers ?? [], options.args);
      if (!headers.ok) return fail(`provider.prometheus.headers: ${headers.error}`);
      const auth = await resolveAuth(provider.authentication, options.getSecret);
      if (!auth.ok) return fail(`provider.prometheus.authentication: ${auth.error}`);
      if (auth.secrets) secrets.push(...auth.secrets);
      return {
        ok: true,
        query: {
          kind: 'prometheus',
          address: renderedAddress.text,
          query: query.text,
          headers: headers.headers,
          ...(provider.timeoutMs === undefined ? {} : { timeoutMs: provider.timeoutMs }),
          ...(auth.auth === undefined ? {} : { auth: auth.auth }),
        },
        display: query.display,
        secrets,
      };
    }
    case 'web': {
      const url = renderTemplate(provider.url, options.args);
      if (!url.ok) return fail(`provider.web.url: ${url.error}`);
      const headers = renderHeaders(provider.headers, options.args);
      if (!headers.ok) return fail(`provider.web.headers: ${headers.error}`);
      let body: string | undefined;
      if (provider.body !== undefined) {
        const rendered = renderTemplate(provider.body, options.args);
        if (!rendered.ok) return fail(`provider.web.body: ${rendered.error}`);
        body = rendered.text;
      }
      return {
        ok: true,
        query: {
          kind: 'web',
          url: url.text,
          method: provider.method,
          headers: headers.headers,
          ...(body === undefined ? {} : { body }),
          ...(provider.jsonPath === undefined ? {} : { jsonPath: provider.jsonPath }),
          ...(provider.timeoutMs === undefined ? {} : { timeoutMs: provider.timeoutMs }),
        },
        display: `${provider.method} ${url.display}`,
        secrets,
      };
    }
    case 'job':
    case 'judge':
      return fail(`provider.${provider.kind} is not measured through a rendered query`);
    default:
      return assertNever(provider, 'provider');
  }
}

function renderHeaders(
  headers: readonly Header[],
  args: readonly ResolvedArg[],
): { ok: true; headers: Header[] } | { ok: false; error: string } {
  const out: Header[] = [];
  for (const header of headers) {
    const value = renderTemplate(header.value, args);
    if (!value.ok) return { ok: false, error: `${header.key}: ${value.error}` };
    out.push({ key: header.key, value: value.text });
  }
  return { ok: true, headers: out };
}

async function resolveAuth(
  spec: PrometheusAuthSpec | undefined,
  getSecret: RenderQueryOptions['getSecret'],
): Promise<{ ok: true; auth?: ResolvedAuth; secrets?: string[] } | { ok: false; error: string }> {
  if (spec === undefined) return { ok: true };
  const read = async (ref: { name: string; key: string }, field: string) => {
    try {
      const value = await getSecret(ref.name, ref.key);
      return value === undefined ? `${field}: Secret "${ref.name}" has no key "${ref.key}"` : { value };
    } catch (e) {
      return `${field}: cannot read Secret "${ref.name}": ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  if (spec.bearerTokenSecretRef !== undefined) {
    const token = await read(spec.bearerTokenSecretRef, 'bearerTokenSecretRef');
    if (typeof token === 'string') return { ok: false, error: token };
    return { ok: true, auth: { kind: 'bearer', token: token.value }, secrets: [token.value] };
  }
  if (spec.basic !== undefined) {
    const password = await read(spec.basic.passwordSecretRef, 'basic.passwordSecretRef');
    if (typeof password === 'string') return { ok: false, error: password };
    return {
      ok: true,
      auth: { kind: 'basic', username: spec.basic.username, password: password.value },
      secrets: [password.value],
    };
  }
  return { ok: true };
}
