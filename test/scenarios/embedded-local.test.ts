import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { findKubectl } from '../support/embedded-kubectl.js';

const kubectl = findKubectl();
if (!kubectl) console.warn('`sluice local` kubectl check skipped: kubectl is not on PATH');

describe('sluice local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the ready line, serves kubectl, and exits 0 on SIGINT', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot(), 'src/cli/main.ts'), 'local', '--kubeconfig', kubeconfig],
      {
        cwd: projectRoot(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('\n')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`exited early; stderr: ${stderr}`)));
      });
      expect(stdout.trim()).toBe(`sluice local: ready — export KUBECONFIG=${kubeconfig}`);
      if (kubectl) {
        const out = await new Promise<string>((resolve, reject) =>
          execFile(
            'kubectl',
            ['--request-timeout=10s', 'get', 'ns'],
            { env: { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') } },
            (err, so, se) => (err ? reject(new Error(se)) : resolve(so)),
          ),
        );
        expect(out).toMatch(/^default\s+Active/m);
      }
      const signalled = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(2000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
