// `sluice demo --fast` as a user runs it: a child process, plain output (not a terminal), exit code 0 only when the
// bad release was rolled back and the good one promoted. With a prometheus binary around, the demo must use it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPrometheusBinary } from '../../src/embedded/prometheus.js';
import { projectRoot } from '../../src/paths.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runDemo(args: readonly string[]): Promise<Run> {
  const main = join(projectRoot(), 'src', 'cli', 'main.ts');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, 'demo', '--fast', ...args],
      { cwd: projectRoot(), env: { ...process.env, NO_COLOR: '1' }, timeout: 110_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function expectTheStory(out: string): void {
  // v2 climbs, is measured below the threshold, the analysis fails, and every request goes back to v1.
  expect(out).toMatch(/\[v2 \+[\d.]+s\] traffic \[#+\.+\] v2 10% · v1 90% \(verified\)/);
  expect(out).toMatch(/\[v2 \+[\d.]+s\] analysis success rate of v2: \d+\.\d% FAIL \(needs ≥ 95\.0%\)/);
  expect(out).toMatch(/\[v2 \+[\d.]+s\] analysis Failed/);
  expect(out).toMatch(/\[v2 \+[\d.]+s\] event RolloutAborted/);
  expect(out).toMatch(/\[v2 \+[\d.]+s\] traffic \[\.+\] v1 100%/);
  expect(out).toMatch(/OK v2 rolled back: .*every request is back on v1/);
  // v3 goes all the way.
  expect(out).toMatch(/\[v3 \+[\d.]+s\] traffic \[#{10}\.{10}\] v3 50% · v1 50% \(verified\)/);
  expect(out).toMatch(/\[v3 \+[\d.]+s\] traffic \[#{20}\] v3 100% \(verified\)/);
  expect(out).toMatch(/OK v3 promoted: 100% of the traffic after [\d.]+s, v1 scaled down/);
  // The summary.
  // The bad version is caught before it reaches 100%: usually during the 25% step; on a loaded machine the third
  // failed measurement can land just after the 50% step began. Either way its weight ends at 0.
  expect(out).toMatch(
    /OK v2 .*: rolled back by the analysis\n {4}weights {3}10% \+[\d.]+s → 25% \+[\d.]+s( → 50% \+[\d.]+s)? → 0% \+[\d.]+s/,
  );
  expect(out).toMatch(/ {4}rollback {2}first bad measurement at \+[\d.]+s → all traffic back on v1 [\d.]+s later/);
  expect(out).toMatch(/OK v3 .*: promoted to 100%, older versions scaled down\n {4}weights {3}10% .*→ 100% \+[\d.]+s/);
  expect(out).toMatch(/ {4}promoted {2}100% on v3 after [\d.]+s; v1 scaled down at \+[\d.]+s/);
  expect(out).toContain('Every expectation held: the bad release was rolled back, the good one promoted.');
  // How to go on.
  expect(out).toContain('npx sluice local');
  expect(out).toContain('kubectl apply -f examples/canary-istio/');
  expect(out).toContain('kubectl sluice get rollout web -n demo-canary-istio -w');
}

describe('sluice demo --fast', () => {
  const prometheus = (() => {
    try {
      return findPrometheusBinary();
    } catch {
      return undefined;
    }
  })();

  it(`tells the story and exits 0 (${prometheus ? `with Prometheus at ${prometheus}` : 'no prometheus binary: built-in source'})`, async () => {
    const run = await runDemo([]);
    expect(run.stderr).toBe('');
    expectTheStory(run.stdout);
    expect(run.stdout).not.toContain('\x1b[');
    if (prometheus) {
      expect(run.stdout).toMatch(/metrics: {2}Prometheus \S+ \(.*prometheus, pid \d+\) at http:\/\/127\.0\.0\.1:\d+/);
      expect(run.stdout).toMatch(/metrics {3}Prometheus \S+ answered [1-9]\d* analysis queries/);
      const pid = Number(/pid (\d+)\)/.exec(run.stdout)?.[1]);
      expect(processExists(pid)).toBe(false);
    } else {
      expect(process.env['SLUICE_REQUIRE_PROMETHEUS'], 'SLUICE_REQUIRE_PROMETHEUS=1 but no prometheus binary').not.toBe(
        '1',
      );
      expect(run.stdout).toContain('Using the BUILT-IN METRIC SOURCE instead');
    }
    expect(run.code).toBe(0);
  });

  it('tells the same story with the built-in metric source, clearly announced', async () => {
    const run = await runDemo(['--no-prometheus']);
    expect(run.stdout).toContain('Prometheus turned off (--no-prometheus).');
    expect(run.stdout).toContain('Using the BUILT-IN METRIC SOURCE instead');
    expectTheStory(run.stdout);
    expect(run.stdout).toMatch(/metrics {3}the built-in metric source answered [1-9]\d* analysis queries/);
    expect(run.code).toBe(0);
  });
});
