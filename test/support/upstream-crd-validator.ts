// Validates mesh objects against the official CRDs (reference data beside the repo, found through upstreamCrdsDir()),
// with the same validator the embedded API server uses: pruning, defaults, openAPIV3Schema and CEL rules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileCrdVersionValidator, type CrdValidator } from '../../src/embedded/validation/index.js';
import { upstreamCrdsDir } from '../../src/paths.js';
import type { MeshKind } from '../../src/traffic/router-io.js';
import type { WriteValidator } from './memory-router-io.js';

const CRD_FILES: Readonly<Record<string, string>> = {
  'networking.istio.io/VirtualService': 'istio-virtualservices.yaml',
  'networking.istio.io/DestinationRule': 'istio-destinationrules.yaml',
  'gateway.networking.k8s.io/HTTPRoute': 'gateway-api-v1.6.1-standard-httproutes.yaml',
  'gateway.networking.k8s.io/GRPCRoute': 'gateway-api-v1.6.1-standard-grpcroutes.yaml',
  'split.smi-spec.io/TrafficSplit': 'smi-trafficsplits.yaml',
};

const cache = new Map<string, CrdValidator>();

export function upstreamCrdValidator(kind: MeshKind): CrdValidator {
  const cacheKey = `${kind.group}/${kind.kind}/${kind.version}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const file = CRD_FILES[`${kind.group}/${kind.kind}`];
  if (!file) throw new Error(`no upstream CRD file known for ${kind.kind}.${kind.group}`);
  const dir = upstreamCrdsDir();
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new Error(`official CRD ${path} not found: set SLUICE_UPSTREAM_CRDS to the folder of upstream CRDs`);
  }
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const crd = doc.toJS() as { spec?: { group?: string; names?: { kind?: string }; versions?: unknown[] } } | null;
    if (crd?.spec?.group !== kind.group || crd.spec.names?.kind !== kind.kind) continue;
    for (const v of (crd.spec.versions ?? []) as {
      name: string;
      served?: boolean;
      schema?: { openAPIV3Schema?: Record<string, unknown> };
    }[]) {
      if (v.name !== kind.version) continue;
      if (!v.served || !v.schema?.openAPIV3Schema)
        throw new Error(`${file}: ${kind.kind} ${kind.version} is not served`);
      const validator = compileCrdVersionValidator(
        v.schema.openAPIV3Schema,
        `${kind.resource}.${kind.group}/${kind.version}`,
      );
      cache.set(cacheKey, validator);
      return validator;
    }
  }
  throw new Error(`${file} has no ${kind.kind} version ${kind.version}`);
}

/** A WriteValidator for MemoryRouterIo: Strict field validation, as `kubectl apply --validate=strict` would do. */
export const validateAgainstUpstreamCrd: WriteValidator = (kind, obj) => {
  const result = upstreamCrdValidator(kind).validate(obj, { fieldValidation: 'Strict' });
  if (result.ok) return result.object;
  const problems = [
    ...(result.unknownFields ?? []).map((f) => `unknown field "${f}"`),
    ...result.causes.map((c) => `${c.field}: ${c.message}`),
  ];
  const m = (obj.metadata ?? {}) as { name?: string };
  throw new Error(`${kind.kind} ${m.name ?? '?'} rejected by the official CRD: ${problems.join('; ')}`);
};
