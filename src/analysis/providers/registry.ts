// Which provider measures which kind of metric. Query providers (prometheus, web) answer within one call; the job
// provider's measurements can outlive a reconcile, so it has its own interface; the judge renders and runs several
// queries per measurement, so it has its own too.

import type { Clock } from '../../clock.js';
import type { MetricProvider, ProviderSpec, RenderedQuery } from '../types.js';
import type { JobApi, JobProvider } from './job.js';
import { createJobProvider } from './job.js';
import { createJudgeProvider, type JudgeProvider } from './judge.js';
import { createPrometheusProvider } from './prometheus.js';
import { createWebProvider } from './web.js';

export type QueryProviderKind = RenderedQuery['kind'];

export interface ProviderRegistryEntries {
  prometheus: MetricProvider;
  web: MetricProvider;
  job: JobProvider;
  /** Absent: judge metrics are measured as errors ("not available"). */
  judge?: JudgeProvider;
}

export class ProviderRegistry {
  private readonly entries: ProviderRegistryEntries;

  constructor(entries: ProviderRegistryEntries) {
    this.entries = entries;
  }

  /** The provider for a rendered query (prometheus, web). */
  query(kind: QueryProviderKind): MetricProvider {
    return this.entries[kind];
  }

  get job(): JobProvider {
    return this.entries.job;
  }

  get judge(): JudgeProvider | undefined {
    return this.entries.judge;
  }

  /** Whether this controller can measure a provider kind at all. */
  supports(kind: ProviderSpec['kind']): boolean {
    return kind !== 'judge' || this.entries.judge !== undefined;
  }
}

export interface DefaultProvidersOptions {
  clock: Clock;
  jobApi: JobApi;
}

/** The providers the controller runs with. */
export function defaultProviderRegistry(options: DefaultProvidersOptions): ProviderRegistry {
  return new ProviderRegistry({
    prometheus: createPrometheusProvider({ clock: options.clock }),
    web: createWebProvider({ clock: options.clock }),
    job: createJobProvider({ api: options.jobApi, clock: options.clock }),
    judge: createJudgeProvider({ clock: options.clock }),
  });
}
