// A real Prometheus scraping the embedded cluster's simulated mesh. Needs the `prometheus` binary (PATH or
// PROMETHEUS_BIN); without it these tests are skipped, unless SLUICE_REQUIRE_PROMETHEUS=1 makes that a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { findPrometheusBinary, startPrometheus, type RunningPrometheus } from '../../src/embedded/prometheus.js';

const bin = findPrometheusBinary();
const required = process.env['SLUICE_REQUIRE_PROMETHEUS'] === '1';

describe('a prometheus binary', () => {
  it('is available when SLUICE_REQUIRE_PROMETHEUS=1', () => {
    if (required) expect(bin, 'no prometheus on PATH and PROMETHEUS_BIN unset').toBeDefined();
  });
});

describe.skipIf(bin === undefined)(
  'startPrometheus (skipped: no prometheus binary on PATH or in PROMETHEUS_BIN)',
  () => {
    let cluster: EmbeddedCluster;
    let prometheus: RunningPrometheus;

    beforeAll(async () => {
      cluster = await startEmbeddedCluster();
      prometheus = await startPrometheus({ scrapeTarget: cluster.url });
    });

    afterAll(async () => {
      await prometheus?.stop();
      await cluster?.stop();
    });

    it('answers on loopback and scrapes the cluster’s /metrics', async () => {
      expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await prometheus.waitForScrape(20_000);
      const res = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent('up{job="sluice-embedded-mesh"}')}`,
      );
      const body = (await res.json()) as {
        data: { result: { metric: { instance: string }; value: [number, string] }[] };
      };
      expect(body.data.result).toHaveLength(1);
      expect(body.data.result[0]?.metric.instance).toBe(new URL(cluster.url).host);
      expect(body.data.result[0]?.value[1]).toBe('1');
    });

    it('counts the queries it answered', async () => {
      const before = await prometheus.queriesAnswered();
      await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('vector(1)')}`);
      await expect.poll(() => prometheus.queriesAnswered()).toBe(before + 1);
    });

    it('is gone after stop(), and stop() can be called again', async () => {
      const { pid } = prometheus;
      await prometheus.stop();
      expect(() => process.kill(pid, 0)).toThrow();
      await prometheus.stop();
    });
  },
);
