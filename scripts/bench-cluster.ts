// Benchmark of the embedded cluster's store and watch fan-out: 50,000 objects, 20 concurrent watchers.
// Prints one JSON report; run with `npm run bench:cluster` (OBJECTS / WATCHERS / UPDATES env vars override).
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startEmbeddedCluster } from '../src/embedded/index.js';

const objects = Number(process.env.OBJECTS ?? 50_000);
const watchers = Number(process.env.WATCHERS ?? 20);
const updates = Number(process.env.UPDATES ?? 300);
const namespaces = 50;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return Math.round(v * 100) / 100;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    })
      .on('error', reject)
      .end();
  });
}

function patch(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function main(): Promise<void> {
  const cluster = await startEmbeddedCluster({ installSluiceCrds: false, installUpstreamCrds: false });
  const started = performance.now();
  for (let n = 0; n < namespaces; n++) {
    cluster.store.put('', 'namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, uid: `ns-${n}`, resourceVersion: '', creationTimestamp: new Date().toISOString() },
    });
  }
  for (let i = 0; i < objects; i++) {
    const ns = `ns-${i % namespaces}`;
    cluster.store.put('', 'configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `cm-${i}`,
        namespace: ns,
        uid: `cm-${i}`,
        resourceVersion: '',
        creationTimestamp: new Date().toISOString(),
        labels: { shard: String(i % 10) },
      },
      data: { value: 'x'.repeat(200) },
    });
  }
  const populateMs = performance.now() - started;

  const listNs: number[] = [];
  const listAllPage: number[] = [];
  for (let i = 0; i < 50; i++) {
    let t = performance.now();
    await get(`${cluster.url}/api/v1/namespaces/ns-${i % namespaces}/configmaps`);
    listNs.push(performance.now() - t);
    t = performance.now();
    await get(`${cluster.url}/api/v1/configmaps?limit=500&labelSelector=shard%3D3`);
    listAllPage.push(performance.now() - t);
  }
  const fullList: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await get(`${cluster.url}/api/v1/configmaps`);
    fullList.push(performance.now() - t);
  }

  const delivery: number[] = [];
  const streams: (() => void)[] = [];
  await Promise.all(
    Array.from(
      { length: watchers },
      () =>
        new Promise<void>((resolve) => {
          const rv = cluster.store.resourceVersion;
          const req = request(`${cluster.url}/api/v1/configmaps?watch=true&resourceVersion=${rv}`, (res) => {
            let buf = '';
            res.on('data', (c: Buffer) => {
              buf += c.toString('utf8');
              for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 1);
                const sent = /"sentAt":"([\d.]+)"/.exec(line)?.[1];
                if (sent) delivery.push(performance.now() - Number(sent));
              }
            });
            resolve();
          });
          req.end();
          streams.push(() => req.destroy());
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < updates; i++) {
    const n = (i * 7919) % objects;
    await patch(`${cluster.url}/api/v1/namespaces/ns-${n % namespaces}/configmaps/cm-${n}`, {
      data: { sentAt: String(performance.now()) },
    });
  }
  const deadline = Date.now() + 5000;
  while (delivery.length < updates * watchers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const s of streams) s();
  const rss = process.memoryUsage().rss;
  await cluster.stop();

  process.stdout.write(
    `${JSON.stringify(
      {
        objects,
        watchers,
        updates,
        populateMs: Math.round(populateMs),
        listNamespaceMs: {
          p50: percentile(listNs, 50),
          p99: percentile(listNs, 99),
          itemsPerList: objects / namespaces,
        },
        listAllNamespacesPagedWithSelectorMs: { p50: percentile(listAllPage, 50), p99: percentile(listAllPage, 99) },
        listEverythingMs: { p50: percentile(fullList, 50), p99: percentile(fullList, 99) },
        watchDeliveryMs: {
          p50: percentile(delivery, 50),
          p99: percentile(delivery, 99),
          delivered: delivery.length,
          expected: updates * watchers,
        },
        rssMB: Math.round(rss / 1024 / 1024),
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-cluster failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
