import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPrometheusBinary, prometheusConfigYaml, scrapeAddress } from '../../../src/embedded/prometheus.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-prom-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Prometheus configuration', () => {
  it('scrapes one target every second at /metrics and logs queries', () => {
    expect(prometheusConfigYaml({ scrapeTarget: 'http://127.0.0.1:4321', queryLogFile: '/tmp/q.log' })).toBe(
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        '  query_log_file: "/tmp/q.log"',
        'scrape_configs:',
        '  - job_name: sluice-embedded-mesh',
        '    metrics_path: "/metrics"',
        '    static_configs:',
        '      - targets: ["127.0.0.1:4321"]',
        '',
      ].join('\n'),
    );
  });

  it('takes the target as a URL or as host:port', () => {
    expect(scrapeAddress('http://127.0.0.1:4321/some/path')).toBe('127.0.0.1:4321');
    expect(scrapeAddress('127.0.0.1:4321')).toBe('127.0.0.1:4321');
  });
});

describe('finding the prometheus binary', () => {
  const bin = join(dir, 'prometheus');
  writeFileSync(bin, '#!/bin/sh\n');
  chmodSync(bin, 0o755);

  it('prefers PROMETHEUS_BIN, then PATH', () => {
    expect(findPrometheusBinary({ PROMETHEUS_BIN: bin, PATH: '' })).toBe(bin);
    expect(findPrometheusBinary({ PATH: `/nonexistent:${dir}` })).toBe(bin);
    expect(findPrometheusBinary({ PATH: '/nonexistent' })).toBeUndefined();
  });

  it('names PROMETHEUS_BIN when it points at nothing', () => {
    expect(() => findPrometheusBinary({ PROMETHEUS_BIN: join(dir, 'missing') })).toThrow(/PROMETHEUS_BIN=.*missing/);
  });
});
