import { describe, expect, it } from 'vitest';
import type { JobApi, JobMeasurementRef, JobProviderSpec } from '../../../../src/analysis/providers/job.js';
import { buildJob, createJobProvider, jobName, renderJobSpec } from '../../../../src/analysis/providers/job.js';
import { FakeClock } from '../../../../src/clock.js';
import type { KubeObject } from '../../../../src/kube/kube-object.js';

const ref: JobMeasurementRef = {
  run: { namespace: 'shop', name: 'checkout-7f9c-2', uid: 'run-uid', apiVersion: 'sluice.dev/v1alpha1' },
  metricName: 'smoke',
  index: 0,
};
const spec: JobProviderSpec = {
  kind: 'job',
  spec: { backoffLimit: 0, template: { spec: { containers: [{ name: 't', image: 'smoke:1' }] } } },
};

class FakeJobs implements JobApi {
  readonly jobs = new Map<string, KubeObject>();
  created = 0;
  async get(_namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.jobs.get(name);
  }
  async create(job: KubeObject): Promise<KubeObject> {
    this.created++;
    this.jobs.set(job.metadata!.name!, job);
    return job;
  }
  async delete(_namespace: string, name: string): Promise<void> {
    this.jobs.delete(name);
  }
  finish(name: string, type: 'Complete' | 'Failed', reason = '', message = ''): void {
    const job = this.jobs.get(name)!;
    this.jobs.set(name, { ...job, status: { conditions: [{ type, status: 'True', reason, message }] } });
  }
}

const signal = new AbortController().signal;

describe('jobName', () => {
  it('is the run, the metric and the measurement index', () => {
    expect(jobName('checkout-7f9c-2', 'smoke', 3)).toBe('checkout-7f9c-2-smoke-3');
  });

  it('turns any metric name into a DNS label, unique per original name', () => {
    const a = jobName('run', 'Error_Rate', 0);
    const b = jobName('run', 'error-rate', 0);
    expect(a).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    expect(a).not.toBe(b);
  });

  it('stays within 63 characters and keeps long names apart', () => {
    const long = 'a'.repeat(70);
    const one = jobName(long, 'smoke', 1);
    const two = jobName(long, 'smoke', 2);
    expect(one.length).toBeLessThanOrEqual(63);
    expect(one).not.toBe(two);
  });
});

describe('buildJob', () => {
  it('is owned by the run and labelled with run, metric and measurement', () => {
    const job = buildJob(ref, { ...spec, metadata: { labels: { team: 'shop' }, annotations: { note: 'x' } } });
    expect(job.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'AnalysisRun', name: 'checkout-7f9c-2', uid: 'run-uid', controller: true }),
    ]);
    expect(job.metadata?.labels).toMatchObject({
      team: 'shop',
      'sluice.dev/analysis-run': 'checkout-7f9c-2',
      'sluice.dev/metric': 'smoke',
      'sluice.dev/measurement': '0',
    });
    expect(job.metadata?.annotations).toEqual({ note: 'x' });
    expect(job.spec).toEqual(spec.spec);
  });
});

describe('renderJobSpec', () => {
  const withArg: JobProviderSpec = {
    kind: 'job',
    spec: { template: { spec: { containers: [{ name: 't', image: 'smoke:1', args: ['--url={{args.url}}'] }] } } },
  };

  it('substitutes args into every string', () => {
    const rendered = renderJobSpec(withArg, [{ name: 'url', value: 'http://canary', sensitive: false }]);
    expect(rendered).toEqual({
      ok: true,
      spec: {
        kind: 'job',
        spec: { template: { spec: { containers: [{ name: 't', image: 'smoke:1', args: ['--url=http://canary'] }] } } },
      },
    });
  });

  it('refuses a Secret-valued arg, naming the field and the alternative', () => {
    const rendered = renderJobSpec(withArg, [{ name: 'url', value: 'secret', sensitive: true }]);
    expect(rendered.ok).toBe(false);
    if (!rendered.ok) {
      expect(rendered.error).toContain('provider.job.spec.template.spec.containers[0].args[0]');
      expect(rendered.error).toContain('secretKeyRef');
      expect(rendered.error).not.toContain('secret,');
    }
  });

  it('names an unknown arg', () => {
    const rendered = renderJobSpec(withArg, []);
    expect(rendered.ok).toBe(false);
  });
});

describe('job provider', () => {
  it('starts the Job once and reports it pending while it runs', async () => {
    const jobs = new FakeJobs();
    const provider = createJobProvider({ api: jobs, clock: new FakeClock() });
    expect(await provider.measure(ref, spec, { mayStart: true }, signal)).toMatchObject({ kind: 'pending' });
    expect(await provider.measure(ref, spec, { mayStart: false }, signal)).toMatchObject({ kind: 'pending' });
    expect(jobs.created).toBe(1);
  });

  it('gives 1 for a completed Job and 0 with the reason for a failed one', async () => {
    const jobs = new FakeJobs();
    const provider = createJobProvider({ api: jobs, clock: new FakeClock('2026-01-01T00:00:05Z') });
    await provider.measure(ref, spec, { mayStart: true }, signal);
    jobs.finish('checkout-7f9c-2-smoke-0', 'Complete');
    expect(await provider.measure(ref, spec, { mayStart: false }, signal)).toEqual({
      kind: 'value',
      value: 1,
      at: '2026-01-01T00:00:05.000Z',
      message: 'Job "checkout-7f9c-2-smoke-0" completed',
    });

    const second = { ...ref, index: 1 };
    await provider.measure(second, spec, { mayStart: true }, signal);
    jobs.finish('checkout-7f9c-2-smoke-1', 'Failed', 'BackoffLimitExceeded', 'Job has reached the backoff limit');
    expect(await provider.measure(second, spec, { mayStart: false }, signal)).toMatchObject({
      kind: 'value',
      value: 0,
      message: 'Job "checkout-7f9c-2-smoke-1" failed: BackoffLimitExceeded: Job has reached the backoff limit',
    });
  });

  it('does not start over when the Job of a pending measurement disappeared', async () => {
    const jobs = new FakeJobs();
    const provider = createJobProvider({ api: jobs, clock: new FakeClock() });
    const outcome = await provider.measure(ref, spec, { mayStart: false }, signal);
    expect(outcome).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('was deleted before it finished'),
    });
    expect(jobs.created).toBe(0);
  });

  it('refuses a Job of the same name that another run owns', async () => {
    const jobs = new FakeJobs();
    jobs.jobs.set('checkout-7f9c-2-smoke-0', buildJob({ ...ref, run: { ...ref.run, uid: 'other' } }, spec));
    const provider = createJobProvider({ api: jobs, clock: new FakeClock() });
    const outcome = await provider.measure(ref, spec, { mayStart: true }, signal);
    expect(outcome).toMatchObject({ kind: 'error', message: expect.stringContaining('does not belong to') });
  });

  it('turns an API failure into an error measurement', async () => {
    const jobs = new FakeJobs();
    jobs.create = () => Promise.reject(new Error('jobs.batch is forbidden'));
    const provider = createJobProvider({ api: jobs, clock: new FakeClock() });
    const outcome = await provider.measure(ref, spec, { mayStart: true }, signal);
    expect(outcome).toMatchObject({ kind: 'error', message: expect.stringContaining('forbidden') });
  });

  it('terminate deletes the measurement Job', async () => {
    const jobs = new FakeJobs();
    const provider = createJobProvider({ api: jobs, clock: new FakeClock() });
    await provider.measure(ref, spec, { mayStart: true }, signal);
    await provider.terminate(ref);
    expect(jobs.jobs.size).toBe(0);
  });
});
