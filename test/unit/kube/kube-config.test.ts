import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_KUBECONFIG_MESSAGE, currentNamespace, loadWithSource } from '../../../src/kube/kube-config.js';

function kubeconfig(name: string, server: string, insecure = true, namespace?: string): string {
  return `apiVersion: v1
kind: Config
current-context: ${name}
clusters:
- name: ${name}
  cluster:
    server: ${server}
${insecure ? '    insecure-skip-tls-verify: true\n' : ''}contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${name}
${namespace ? `    namespace: ${namespace}\n` : ''}users:
- name: ${name}
  user:
    token: t
`;
}

describe('loadKubeConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-kc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string): string => {
    const path = join(dir, file);
    writeFileSync(path, text);
    return path;
  };

  it('refuses to fall back to localhost:8080 when nothing is configured', () => {
    expect(() =>
      loadWithSource({ env: {}, homeDir: join(dir, 'nohome'), serviceAccountTokenPath: join(dir, 'none') }),
    ).toThrow(NO_KUBECONFIG_MESSAGE);
  });

  it('prefers --kubeconfig, then $KUBECONFIG, then ~/.kube/config', () => {
    const flag = write('flag', kubeconfig('flag', 'https://flag:6443'));
    const env = write('env', kubeconfig('env', 'https://env:6443'));
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    write('home/.kube/config', kubeconfig('home', 'https://home:6443'));
    const base = { homeDir: join(dir, 'home'), serviceAccountTokenPath: join(dir, 'none') };
    expect(loadWithSource({ ...base, kubeconfig: flag, env: { KUBECONFIG: env } }).source).toBe('flag');
    const fromEnv = loadWithSource({ ...base, env: { KUBECONFIG: `${join(dir, 'missing')}:${env}` } });
    expect(fromEnv.source).toBe('env');
    expect(fromEnv.kc.getCurrentCluster()?.server).toBe('https://env:6443');
    const fromHome = loadWithSource({ ...base, env: {} });
    expect(fromHome.source).toBe('home');
    expect(fromHome.kc.getCurrentContext()).toBe('home');
  });

  it('names a missing kubeconfig file and an unknown context', () => {
    expect(() => loadWithSource({ kubeconfig: join(dir, 'nope') })).toThrow(
      `kubeconfig file not found: ${join(dir, 'nope')}`,
    );
    const path = write('kc', kubeconfig('a', 'https://a:6443'));
    expect(() => loadWithSource({ kubeconfig: path, context: 'b' })).toThrow(
      'kubeconfig has no context "b" (known: a)',
    );
  });

  it('accepts http:// only with insecure-skip-tls-verify, and says so', () => {
    const ok = write('ok', kubeconfig('local', 'http://127.0.0.1:1234', true, 'team'));
    const { kc } = loadWithSource({ kubeconfig: ok });
    expect(currentNamespace(kc)).toBe('team');
    const bad = write('bad', kubeconfig('local', 'http://127.0.0.1:1234', false));
    expect(() => loadWithSource({ kubeconfig: bad })).toThrow(/plain HTTP: set insecure-skip-tls-verify: true/);
  });
});
