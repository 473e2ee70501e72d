import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../src/clock.js';
import { ApiOperations } from '../../../../src/embedded/api/operations.js';
import { ResourceRegistry } from '../../../../src/embedded/api/registry.js';
import { ApiError } from '../../../../src/embedded/api/status-error.js';
import { ObjectStore } from '../../../../src/embedded/store.js';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
        },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

function setup(): { ops: ApiOperations; store: ObjectStore } {
  const store = new ObjectStore({ historyLimit: 5 });
  const registry = new ResourceRegistry();
  const ops = new ApiOperations(store, registry, new FakeClock());
  const t = (r: string, g = ''): NonNullable<ReturnType<ResourceRegistry['get']>> => {
    const found = registry.get(g, r);
    if (!found) throw new Error(r);
    return found;
  };
  ops.create(t('namespaces'), 'v1', undefined, { metadata: { name: 'default' } }, {});
  ops.create(t('customresourcedefinitions', 'apiextensions.k8s.io'), 'v1', undefined, crd, {});
  return { ops, store };
}

function widgetType(ops: ApiOperations): NonNullable<ReturnType<ResourceRegistry['get']>> {
  const t = ops.registry.get('example.com', 'widgets');
  if (!t) throw new Error('the CRD did not register its kind');
  return t;
}

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
};

describe('API operations', () => {
  it('bumps generation on spec changes only, and keeps status out of main-resource writes', () => {
    const { ops } = setup();
    const w = widgetType(ops);
    const created = ops.create(
      w,
      'v1',
      'default',
      { metadata: { name: 'a' }, spec: { replicas: 1 }, status: { x: 1 } },
      {},
    ).object;
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();
    const status = ops.patch(w, 'v1', 'default', 'a', 'merge', { status: { replicas: 1 } }, {}, 'status').object;
    expect(status.metadata.generation).toBe(1);
    const spec = ops.patch(
      w,
      'v1',
      'default',
      'a',
      'merge',
      { spec: { replicas: 2 }, status: { replicas: 9 } },
      {},
    ).object;
    expect(spec.metadata.generation).toBe(2);
    expect(spec.status).toEqual({ replicas: 1 });
    const labels = ops.patch(w, 'v1', 'default', 'a', 'merge', { metadata: { labels: { x: 'y' } } }, {}).object;
    expect(labels.metadata.generation).toBe(2);
  });

  it('refuses stale writes, and leaves the store untouched on dry runs and no-op writes', () => {
    const { ops, store } = setup();
    const w = widgetType(ops);
    const a = ops.create(w, 'v1', 'default', { metadata: { name: 'a' }, spec: { replicas: 1 } }, {}).object;
    ops.update(w, 'v1', 'default', 'a', { ...a, spec: { replicas: 2 } }, {});
    expect(codeOf(() => ops.update(w, 'v1', 'default', 'a', { ...a, spec: { replicas: 3 } }, {}))).toBe(409);
    expect(codeOf(() => ops.update(w, 'v1', 'default', 'a', { metadata: { name: 'a' }, spec: {} }, {}))).toBe(422);
    const rv = store.resourceVersion;
    ops.patch(w, 'v1', 'default', 'a', 'merge', { spec: { replicas: 7 } }, { dryRun: true });
    ops.patch(w, 'v1', 'default', 'a', 'merge', { spec: { replicas: 2 } }, {});
    expect(store.resourceVersion).toBe(rv);
    expect(codeOf(() => ops.patch(w, 'v1', 'default', 'a', 'strategic', {}, {}))).toBe(415);
    expect(codeOf(() => ops.patch(w, 'v1', 'default', 'a', 'apply', {}, {}))).toBe(422);
  });

  it('writes spec replicas through the scale subresource', () => {
    const { ops } = setup();
    const w = widgetType(ops);
    ops.create(w, 'v1', 'default', { metadata: { name: 'a' }, spec: { replicas: 1 } }, {});
    ops.patch(w, 'v1', 'default', 'a', 'merge', { spec: { replicas: 4 } }, {}, 'scale');
    expect(ops.readScale(w, 'v1', 'default', 'a')).toMatchObject({ kind: 'Scale', spec: { replicas: 4 } });
  });

  it('holds deletion for finalizers and cascades to dependents', () => {
    const { ops, store } = setup();
    const w = widgetType(ops);
    const owner = ops.create(w, 'v1', 'default', { metadata: { name: 'owner', finalizers: ['x/y'] } }, {}).object;
    const ref = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      name: 'owner',
      uid: owner.metadata.uid,
      controller: true,
    };
    ops.create(w, 'v1', 'default', { metadata: { name: 'child', ownerReferences: [ref] } }, {});
    expect(ops.delete(w, 'default', 'owner', {}).finished).toBe(false);
    expect(store.get('example.com', 'widgets', 'default', 'owner')?.metadata.deletionTimestamp).toBeDefined();
    ops.patch(w, 'v1', 'default', 'owner', 'merge', { metadata: { finalizers: null } }, {});
    expect(store.get('example.com', 'widgets', 'default', 'owner')).toBeUndefined();
    expect(store.get('example.com', 'widgets', 'default', 'child')).toBeUndefined();
  });

  it('reports expired watch history once events fall out of it', () => {
    const { ops, store } = setup();
    const w = widgetType(ops);
    const start = store.resourceVersion;
    for (let i = 0; i < 8; i++) ops.create(w, 'v1', 'default', { metadata: { name: `w${i}` } }, {});
    expect(store.eventsSince('example.com', 'widgets', start)).toBe('expired');
    const recent = store.eventsSince('example.com', 'widgets', store.resourceVersion - 2);
    expect(recent).not.toBe('expired');
    expect((recent as unknown[]).length).toBe(2);
  });
});
