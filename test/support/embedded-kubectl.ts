import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedCluster } from '../../src/embedded/index.js';

/** Path of kubectl, or undefined. With SLUICE_REQUIRE_KUBECTL=1 a missing kubectl is an error, not a skip. */
export function findKubectl(): string | undefined {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return 'kubectl';
  } catch {
    if (process.env.SLUICE_REQUIRE_KUBECTL === '1') {
      throw new Error('kubectl is not on PATH but SLUICE_REQUIRE_KUBECTL=1 requires it');
    }
    return undefined;
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl against one embedded cluster, with its own KUBECONFIG and discovery cache. */
export class Kubectl {
  readonly dir: string;
  readonly kubeconfig: string;

  constructor(cluster: EmbeddedCluster) {
    this.dir = mkdtempSync(join(tmpdir(), 'sluice-kubectl-'));
    this.kubeconfig = join(this.dir, 'kubeconfig');
    writeFileSync(this.kubeconfig, cluster.kubeconfigYaml());
  }

  run(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--request-timeout=10s', ...args],
        {
          env: { ...process.env, KUBECONFIG: this.kubeconfig, KUBECACHEDIR: join(this.dir, 'cache'), HOME: this.dir },
          timeout: 30_000,
        },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  async ok(args: readonly string[], input?: string): Promise<string> {
    const r = await this.run(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
