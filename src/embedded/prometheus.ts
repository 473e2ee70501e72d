// A real Prometheus beside the embedded cluster: the Debian/upstream `prometheus` binary, started on loopback with a
// throwaway TSDB, scraping the simulated mesh's /metrics every second, so the shipped analysis templates run against
// a real PromQL engine. Used by `sluice demo`, `sluice local` and tests; never by the controller's production path.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { systemClock } from '../clock.js';

export interface PrometheusOptions {
  /** `host:port` or a URL (`http://127.0.0.1:34567`) of the endpoint to scrape. */
  scrapeTarget: string;
  /** Path of the binary; default: findPrometheusBinary(). */
  bin?: string;
  /** Default `/metrics`. */
  metricsPath?: string;
  /** Default 1. */
  scrapeIntervalSeconds?: number;
  /** How long to wait for `/-/ready` (default 30 s). */
  readyTimeoutMs?: number;
  /** Keep every PromQL query Prometheus answers in a log file (see `queriesAnswered`). Default true. */
  logQueries?: boolean;
}

export interface RunningPrometheus {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly pid: number;
  readonly bin: string;
  readonly version: string;
  /** Resolves once the scrape target has been scraped successfully (`up == 1`). */
  waitForScrape(timeoutMs?: number): Promise<void>;
  /** How many queries Prometheus has answered so far (from its query log; 0 when logQueries is false). */
  queriesAnswered(): Promise<number>;
  /** Kills the process (SIGTERM, then SIGKILL) and deletes its data folder. Safe to call more than once. */
  stop(): Promise<void>;
}

export class PrometheusError extends Error {}

const JOB = 'sluice-embedded-mesh';

/**
 * The `prometheus` binary to use: `PROMETHEUS_BIN` when set (it must exist), else the first `prometheus` on PATH,
 * else undefined.
 */
export function findPrometheusBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.PROMETHEUS_BIN;
  if (explicit !== undefined && explicit !== '') {
    if (!isExecutable(explicit)) {
      throw new PrometheusError(`PROMETHEUS_BIN=${explicit}: no executable file there`);
    }
    return explicit;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'prometheus');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `host:port` from a URL or a `host:port`; the scrape config wants the address without scheme or path. */
export function scrapeAddress(target: string): string {
  if (!/^[a-z]+:\/\//i.test(target)) return target;
  return new URL(target).host;
}

/** The whole Prometheus configuration: one job scraping the embedded cluster. */
export function prometheusConfigYaml(options: {
  scrapeTarget: string;
  metricsPath?: string;
  scrapeIntervalSeconds?: number;
  queryLogFile?: string;
}): string {
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const lines = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(options.queryLogFile !== undefined ? [`  query_log_file: ${JSON.stringify(options.queryLogFile)}`] : []),
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    `    metrics_path: ${JSON.stringify(options.metricsPath ?? '/metrics')}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(scrapeAddress(options.scrapeTarget))}]`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const bin = options.bin ?? findPrometheusBinary();
  if (bin === undefined) {
    throw new PrometheusError(
      'no prometheus binary: install it (Debian: apt-get install prometheus) or set PROMETHEUS_BIN',
    );
  }
  const version = await binaryVersion(bin);
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-prometheus-'));
  const queryLogFile = options.logQueries === false ? undefined : join(dataDir, 'queries.log');
  const configFile = join(dataDir, 'prometheus.yml');
  await writeFile(
    configFile,
    prometheusConfigYaml({
      scrapeTarget: options.scrapeTarget,
      ...(options.metricsPath !== undefined ? { metricsPath: options.metricsPath } : {}),
      ...(options.scrapeIntervalSeconds !== undefined ? { scrapeIntervalSeconds: options.scrapeIntervalSeconds } : {}),
      ...(queryLogFile !== undefined ? { queryLogFile } : {}),
    }),
  );

  // The port is picked by binding port 0 and releasing it; another process may take it in between, so retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const running = await launch({ bin, version, port, configFile, dataDir, queryLogFile, options });
      return running;
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortTakenError)) break;
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new PrometheusError(String(lastError));
}

class PortTakenError extends PrometheusError {}

interface LaunchInput {
  bin: string;
  version: string;
  port: number;
  configFile: string;
  dataDir: string;
  queryLogFile: string | undefined;
  options: PrometheusOptions;
}

async function launch(input: LaunchInput): Promise<RunningPrometheus> {
  const { bin, port, configFile, dataDir } = input;
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);
  // If this process dies without calling stop(), the child must not outlive it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(force);
      }
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitUntilReady(url, exited, input.options.readyTimeoutMs ?? 30_000, () => stderr);
  } catch (err) {
    await stop();
    if (/address already in use/i.test(stderr)) throw new PortTakenError(`port ${port} is taken`);
    throw err;
  }
  if (child.pid === undefined) throw new PrometheusError(`${bin} did not start`);

  return {
    url,
    pid: child.pid,
    bin,
    version: input.version,
    waitForScrape: (timeoutMs = 15_000) => waitForScrape(url, timeoutMs),
    queriesAnswered: () => countQueries(input.queryLogFile),
    stop,
  };
}

async function waitUntilReady(
  url: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (nowMs() < deadline) {
    if (gone) throw new PrometheusError(`prometheus exited while starting: ${lastLines(stderr())}`);
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new PrometheusError(`prometheus was not ready at ${url} within ${timeoutMs} ms: ${lastLines(stderr())}`);
}

async function waitForScrape(url: string, timeoutMs: number): Promise<void> {
  const deadline = nowMs() + timeoutMs;
  const query = encodeURIComponent(`up{job="${JOB}"}`);
  while (nowMs() < deadline) {
    try {
      const res = await fetch(`${url}/api/v1/query?query=${query}`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      if (body.data?.result?.[0]?.value?.[1] === '1') return;
    } catch {
      // not scraped yet
    }
    await sleep(200);
  }
  throw new PrometheusError(`prometheus at ${url} did not scrape its target within ${timeoutMs} ms`);
}

async function countQueries(file: string | undefined): Promise<number> {
  if (file === undefined) return 0;
  try {
    const text = await readFile(file, 'utf8');
    // Our own readiness probe (`up{job=…}`) is not an analysis query.
    return text.split('\n').filter((line) => line.trim() !== '' && !line.includes(`up{job=\\"${JOB}\\"}`)).length;
  } catch {
    return 0;
  }
}

async function binaryVersion(bin: string): Promise<string> {
  const child: ChildProcess = spawn(bin, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new PrometheusError(`cannot run ${bin}: ${err.message}`)));
    child.once('exit', resolve);
  });
  if (code !== 0) throw new PrometheusError(`${bin} --version failed: ${lastLines(out)}`);
  return /version\s+(\S+)/.exec(out)?.[1] ?? 'unknown';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').slice(-3).join(' | ');
  return lines === '' ? '(no output)' : lines;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function nowMs(): number {
  return systemClock.now().getTime();
}
