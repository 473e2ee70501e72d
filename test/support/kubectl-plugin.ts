// Runs the Sluice CLI the way users do: as the kubectl plugin `kubectl sluice …` found on PATH, against an embedded
// cluster, with a temporary KUBECONFIG and discovery cache. The plugin is a tiny shell wrapper that runs the
// TypeScript sources through tsx, so no build is needed first.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { EmbeddedCluster } from '../../src/embedded/index.js';
import { projectRoot } from '../../src/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class KubectlPlugin {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly binDir: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.kubeconfig = join(dir, 'kubeconfig');
    this.binDir = join(dir, 'bin');
  }

  static async create(cluster: EmbeddedCluster): Promise<KubectlPlugin> {
    const plugin = new KubectlPlugin(mkdtempSync(join(tmpdir(), 'sluice-plugin-')));
    await cluster.writeKubeconfig(plugin.kubeconfig);
    mkdirSync(plugin.binDir);
    const main = join(projectRoot(), 'src', 'cli', 'main.ts');
    const loader = import.meta.resolve('tsx');
    const wrapper = join(plugin.binDir, 'kubectl-sluice');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${main}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    return plugin;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PATH: `${this.binDir}${delimiter}${process.env['PATH'] ?? ''}`,
      KUBECONFIG: this.kubeconfig,
      KUBECACHEDIR: join(this.dir, 'cache'),
      HOME: this.dir,
      NO_COLOR: '1',
    };
  }

  /** `kubectl sluice ARGS…` */
  kubectl(args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
    return this.exec('kubectl', ['sluice', ...args], timeoutMs);
  }

  /** `kubectl ARGS…` (plain kubectl, for checking what the plugin did). */
  plainKubectl(args: readonly string[]): Promise<CliResult> {
    return this.exec('kubectl', [...args], 30_000);
  }

  private exec(file: string, args: readonly string[], timeoutMs: number): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(file, [...args], { env: this.env(), timeout: timeoutMs }, (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : -1
          : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
