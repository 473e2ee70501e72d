import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPath, parseAnalysisRun, parseAnalysisTemplate } from '../../../../src/api/index.js';

const withJob = (job: string): unknown =>
  parse(`
apiVersion: sluice.dev/v1alpha1
kind: AnalysisTemplate
metadata: {name: smoke, namespace: shop}
spec:
  metrics:
    - name: smoke
      provider:
        job:
${job}
`);

describe('job provider metadata', () => {
  it('keeps the labels and annotations a template sets on its Jobs', () => {
    const result = parseAnalysisTemplate(
      withJob(`
          metadata:
            labels: {team: checkout, run: "{{args.run}}"}
            annotations: {sidecar.istio.io/inject: "false"}
          spec: {backoffLimit: 0, template: {spec: {restartPolicy: Never}}}`),
    );
    expect(result.ok ? [] : result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)).toEqual([]);
    if (!result.ok) return;
    expect(result.value.spec.metrics[0]?.provider).toEqual({
      kind: 'job',
      metadata: {
        labels: { team: 'checkout', run: '{{args.run}}' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never' } } },
    });
  });

  it('leaves metadata out when the template sets none', () => {
    const result = parseAnalysisTemplate(withJob(`          spec: {template: {spec: {restartPolicy: Never}}}`));
    expect(result.ok && result.value.spec.metrics[0]?.provider).toEqual({
      kind: 'job',
      spec: { template: { spec: { restartPolicy: 'Never' } } },
    });
  });

  it('rejects other metadata fields, naming the field', () => {
    const result = parseAnalysisTemplate(
      withJob(`
          metadata: {name: fixed-name}
          spec: {template: {spec: {restartPolicy: Never}}}`),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => formatPath(i.path)).join(' ')).toContain('spec.metrics[0].provider.job.metadata');
  });

  it('accepts job metadata in an AnalysisRun too', () => {
    const result = parseAnalysisRun(
      parse(`
apiVersion: sluice.dev/v1alpha1
kind: AnalysisRun
metadata: {name: smoke-1, namespace: shop}
spec:
  metrics:
    - name: smoke
      provider:
        job:
          metadata: {labels: {team: checkout}}
          spec: {template: {spec: {restartPolicy: Never}}}
`),
    );
    expect(result.ok ? [] : result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)).toEqual([]);
    expect(result.ok && result.value.spec.metrics[0]?.provider).toMatchObject({
      kind: 'job',
      metadata: { labels: { team: 'checkout' } },
    });
  });
});
