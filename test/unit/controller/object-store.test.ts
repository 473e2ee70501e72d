import { describe, expect, it } from 'vitest';
import { ObjectStore, byOwnerUid, isOlderVersion } from '../../../src/controller/object-store.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';

function obj(
  ns: string | undefined,
  name: string,
  rv: string,
  labels: Record<string, string> = {},
  owner?: string,
): KubeObject {
  return {
    metadata: {
      ...(ns ? { namespace: ns } : {}),
      name,
      resourceVersion: rv,
      labels,
      ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'R', name: 'r', uid: owner }] } : {}),
    },
  };
}

describe('ObjectStore', () => {
  it('keeps namespaces apart and serves cluster-scoped objects', () => {
    const store = new ObjectStore();
    store.upsert(obj('a', 'x', '1'));
    store.upsert(obj('b', 'x', '2'));
    store.upsert(obj(undefined, 'global', '3'));
    expect(store.size).toBe(3);
    expect(store.get('a', 'x')?.metadata?.resourceVersion).toBe('1');
    expect(store.get(undefined, 'global')).toBeDefined();
    expect(store.list('b')).toHaveLength(1);
    expect(store.list()).toHaveLength(3);
  });

  it('selects by labels and looks up by owner index, following updates and deletes', () => {
    const store = new ObjectStore({ owner: byOwnerUid });
    store.upsert(obj('a', 'rs1', '1', { app: 'web', hash: 'h1' }, 'u1'));
    store.upsert(obj('a', 'rs2', '2', { app: 'web', hash: 'h2' }, 'u1'));
    store.upsert(obj('a', 'rs3', '3', { app: 'api' }, 'u2'));
    expect(
      store
        .select({ app: 'web' }, 'a')
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['rs1', 'rs2']);
    expect(store.select({ app: 'web', hash: 'h2' }).map((o) => o.metadata?.name)).toEqual(['rs2']);
    store.upsert(obj('a', 'rs2', '4', { app: 'web' }, 'u2'));
    expect(store.byIndex('owner', 'u1').map((o) => o.metadata?.name)).toEqual(['rs1']);
    expect(
      store
        .byIndex('owner', 'u2')
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['rs2', 'rs3']);
    store.remove('a', 'rs3');
    expect(store.byIndex('owner', 'u2').map((o) => o.metadata?.name)).toEqual(['rs2']);
    expect(() => store.byIndex('nope', 'x')).toThrow('no index named "nope"');
  });

  it('turns a relist into adds, updates and deletes', () => {
    const store = new ObjectStore();
    store.upsert(obj('a', 'same', '1'));
    store.upsert(obj('a', 'changed', '2'));
    store.upsert(obj('b', 'gone', '3'));
    const changes = store.replaceAll([obj('a', 'same', '1'), obj('a', 'changed', '5'), obj('c', 'new', '6')]);
    expect(changes.map((c) => `${c.type} ${c.obj.metadata?.name}`).sort()).toEqual([
      'add new',
      'delete gone',
      'update changed',
    ]);
    expect(store.size).toBe(3);
    expect(store.list('b')).toEqual([]);
  });

  it('compares integer resourceVersions and treats anything else as not older', () => {
    expect(isOlderVersion('9', '10')).toBe(true);
    expect(isOlderVersion('10', '9')).toBe(false);
    expect(isOlderVersion('abc', '10')).toBe(false);
    expect(isOlderVersion(undefined, '10')).toBe(false);
  });
});
