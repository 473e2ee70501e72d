// Scenario harness: a real embedded cluster over HTTP, the real client-node client, and the real controller.
// Tests drive it the way a user would (apply YAML, patch status like the CLI) and wait for what a user would see.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startController, type ControllerOptions, type RunningController } from '../../src/controller/controller.js';
import {
  startEmbeddedCluster,
  parseSimProfile,
  type EmbeddedCluster,
  type EmbeddedClusterOptions,
} from '../../src/embedded/index.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../../src/kube/kube-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes, type ResourceType } from '../../src/kube/resource-types.js';
import { projectRoot } from '../../src/paths.js';

export interface ScenarioOptions {
  /** Simulation profile (YAML-shaped object), e.g. `{ readyAfter: '100ms', images: { bad: { ready: false } } }`. */
  profile?: unknown;
  controller?: Partial<Omit<ControllerOptions, 'client'>> | false;
  /** Options for the embedded cluster (the profile option above wins). */
  cluster?: Omit<EmbeddedClusterOptions, 'profile'>;
}

export interface Scenario {
  cluster: EmbeddedCluster;
  client: KubeClient;
  controller: RunningController | undefined;
  startController(options?: Partial<Omit<ControllerOptions, 'client'>>): Promise<RunningController>;
  apply(objects: readonly KubeObject[]): Promise<void>;
  applyYaml(text: string): Promise<void>;
  applyDir(relativeDir: string, transform?: (obj: KubeObject) => KubeObject): Promise<void>;
  get(type: ResourceType, namespace: string, name: string): Promise<KubeObject>;
  stop(): Promise<void>;
}

const FAST_PROFILE = { readyAfter: '150ms' };

export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const cluster = await startEmbeddedCluster({
    ...options.cluster,
    profile: parseSimProfile(options.profile ?? FAST_PROFILE),
  });
  const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
  const controllers: RunningController[] = [];

  const scenario: Scenario = {
    cluster,
    client,
    controller: undefined,
    async startController(overrides = {}) {
      const running = await startController({ client, metricsAddress: false, workers: 2, ...overrides });
      controllers.push(running);
      scenario.controller ??= running;
      return running;
    },
    async apply(objects) {
      for (const obj of objects) await applyOne(client, obj);
    },
    async applyYaml(text) {
      await scenario.apply(parseObjects(text, '(inline)'));
    },
    async applyDir(relativeDir, transform = (o) => o) {
      const dir = join(projectRoot(), relativeDir);
      const files = readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f) && statSync(join(dir, f)).isFile())
        .sort();
      for (const file of files) {
        await scenario.apply(parseObjects(readFileSync(join(dir, file), 'utf8'), file).map(transform));
      }
    },
    get(type, namespace, name) {
      return client.get(type, namespace, name);
    },
    async stop() {
      for (const c of controllers.splice(0)) await c.stop();
      await cluster.stop();
    },
  };
  if (options.controller !== false) await scenario.startController(options.controller || {});
  return scenario;
}

export function parseObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as KubeObject | null;
    return value ? [value] : [];
  });
}

/** Create, or replace with the stored resourceVersion (what `kubectl apply` amounts to for these tests). */
async function applyOne(client: KubeClient, obj: KubeObject): Promise<void> {
  const type = resourceTypeOf(obj);
  const existing = await client.tryGet(type, obj.metadata?.namespace, obj.metadata?.name ?? '');
  if (!existing) {
    await client.create(type, obj);
    return;
  }
  await client.replace(type, {
    ...obj,
    metadata: { ...obj.metadata, resourceVersion: existing.metadata?.resourceVersion },
  });
}

export function resourceTypeOf(obj: KubeObject): ResourceType {
  const found = Object.values(ResourceTypes).find(
    (t) => t.kind === obj.kind && (t.group === '' ? t.version : `${t.group}/${t.version}`) === obj.apiVersion,
  );
  if (found) return found;
  if (obj.kind === 'TrafficSplit' && obj.apiVersion?.startsWith('split.smi-spec.io/')) {
    return {
      group: 'split.smi-spec.io',
      version: obj.apiVersion.split('/')[1] ?? '',
      resource: 'trafficsplits',
      kind: 'TrafficSplit',
      namespaced: true,
    };
  }
  throw new Error(`no resource type for ${obj.apiVersion} ${obj.kind}`);
}

/** Polls `probe` until it returns a value (not undefined/false) or the time runs out; the error says what was awaited. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
