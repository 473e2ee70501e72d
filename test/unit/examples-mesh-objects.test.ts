// The shipped examples/ and analysis-templates/ are data a user applies as they are, so they are checked as a real API
// server would check them: every mesh object against the official CRD of its version (unknown fields rejected, as
// kubectl's default Strict field validation does), every object namespaced, every reference inside a folder resolvable,
// and every analysis condition compiled and tried on healthy, unhealthy and empty results.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/analysis/expression/ast.js';
import { compileExpression } from '../../src/analysis/expression/compile.js';
import { compileCrdVersionValidator, type CrdValidator } from '../../src/embedded/validation/index.js';
import { projectRoot, upstreamCrdsDir } from '../../src/paths.js';

type Obj = Record<string, unknown>;
interface Doc {
  file: string;
  folder: string;
  obj: Obj;
}

const MESH_KINDS = ['VirtualService', 'DestinationRule', 'HTTPRoute', 'TrafficSplit'];
const examplesDir = join(projectRoot(), 'examples');
const templatesDir = join(projectRoot(), 'analysis-templates');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'install' && dir === examplesDir ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

function parseFile(path: string): Obj[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as unknown;
    return value === null ? [] : [value as Obj];
  });
}

const rel = (path: string): string => relative(projectRoot(), path);
const exampleFiles = yamlFiles(examplesDir);
const exampleDocs: Doc[] = exampleFiles.flatMap((file) =>
  parseFile(file).map((obj) => ({ file: rel(file), folder: relative(examplesDir, file).split('/')[0] ?? '', obj })),
);
const folders = [...new Set(exampleDocs.map((d) => d.folder))].sort();
const templateFiles = yamlFiles(templatesDir);

const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Obj)[key] : undefined), value);
const meta = (obj: Obj): { name?: string; namespace?: string } => (obj.metadata ?? {}) as Obj;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);
const names = (value: unknown): string[] => list(value).map((item) => String(item.name));

// ---------------------------------------------------------------------------------------------------------------
// Official CRDs

interface CrdVersion {
  file: string;
  group: string;
  kind: string;
  version: string;
  served: boolean;
  schema: Obj;
}

function loadUpstreamCrds(): CrdVersion[] {
  const dir = upstreamCrdsDir();
  if (!existsSync(dir)) throw new Error(`official CRDs not found at ${dir}: set SLUICE_UPSTREAM_CRDS`);
  return yamlFiles(dir).flatMap((file) =>
    parseFile(file)
      .filter((crd) => crd.kind === 'CustomResourceDefinition')
      .flatMap((crd) =>
        list(at(crd, 'spec', 'versions')).map((v) => ({
          file: basename(file),
          group: String(at(crd, 'spec', 'group')),
          kind: String(at(crd, 'spec', 'names', 'kind')),
          version: String(v.name),
          served: v.served === true,
          schema: at(v, 'schema', 'openAPIV3Schema') as Obj,
        })),
      ),
  );
}

const validators = new Map<string, CrdValidator>();

/** Problems the official CRD(s) of the object's apiVersion find in it; an empty list means a real server accepts it. */
function crdProblems(crds: readonly CrdVersion[], obj: Obj): string[] {
  const [group, version] = String(obj.apiVersion).split('/');
  const matching = crds.filter((c) => c.group === group && c.kind === obj.kind && c.version === version);
  if (matching.length === 0) return [`no official CRD serves ${String(obj.kind)} in ${String(obj.apiVersion)}`];
  return matching.flatMap((crd) => {
    if (!crd.served) return [`${crd.file}: version ${crd.version} is not served`];
    const key = `${crd.file}/${crd.version}`;
    let validator = validators.get(key);
    if (!validator) validators.set(key, (validator = compileCrdVersionValidator(crd.schema, key)));
    // Strict, as kubectl apply asks by default: an unknown field is an error, not silently pruned.
    const verdict = validator.validate(obj, { fieldValidation: 'Strict' });
    if (verdict.ok) return [];
    return [
      ...verdict.causes.map((c) => `${crd.file}: ${c.field}: ${c.message}`),
      ...(verdict.unknownFields ?? []).map((field) => `${crd.file}: unknown field ${field}`),
    ];
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('examples/: every folder applies on its own with `kubectl apply -f examples/<name>/`', () => {
  it('has the scenarios the docs promise', () => {
    expect(folders).toEqual(
      expect.arrayContaining([
        'ab-header-route',
        'bluegreen',
        'bluegreen-mirror',
        'canary-basic',
        'canary-gateway-api',
        'canary-istio',
        'canary-istio-subset',
        'canary-mirror',
        'canary-smi',
      ]),
    );
  });

  it.each(exampleFiles.map(rel))('%s parses as YAML and every object names its namespace', (file) => {
    const docs = exampleDocs.filter((d) => d.file === file);
    expect(docs.length).toBeGreaterThan(0);
    for (const { obj } of docs) {
      expect(obj.apiVersion, `${file}: apiVersion`).toEqual(expect.any(String));
      expect(meta(obj).name, `${file}: metadata.name`).toEqual(expect.any(String));
      if (obj.kind !== 'Namespace') expect(meta(obj).namespace, `${file}: ${String(obj.kind)} namespace`).toBeTruthy();
    }
  });

  it.each(folders)('%s creates its own namespace, puts everything in it and has a README', (folder) => {
    const docs = exampleDocs.filter((d) => d.folder === folder).map((d) => d.obj);
    const namespaces = docs.filter((o) => o.kind === 'Namespace').map((o) => meta(o).name);
    expect(namespaces).toHaveLength(1);
    for (const o of docs.filter((o) => o.kind !== 'Namespace')) expect(meta(o).namespace).toBe(namespaces[0]);
    expect(existsSync(join(examplesDir, folder, 'README.md'))).toBe(true);
  });
});

describe('examples/: mesh objects match the official CRDs', () => {
  const meshDocs = exampleDocs.filter((d) => MESH_KINDS.includes(String(d.obj.kind)));
  const crds = meshDocs.length > 0 ? loadUpstreamCrds() : [];

  it('covers every router: Istio (VirtualService, DestinationRule), Gateway API and SMI', () => {
    expect(new Set(meshDocs.map((d) => d.obj.kind))).toEqual(new Set(MESH_KINDS));
  });

  it.each(meshDocs.map((d) => [`${d.file} ${String(d.obj.kind)}/${String(meta(d.obj).name)}`, d] as const))(
    '%s is accepted',
    (_, { obj }) => {
      expect(crdProblems(crds, obj)).toEqual([]);
    },
  );

  it('would catch a misspelt field, a wrong type and a version nobody serves', () => {
    const vs = meshDocs.find((d) => d.obj.kind === 'VirtualService')?.obj;
    if (!vs) throw new Error('no VirtualService among the examples');
    const misspelt = structuredClone(vs);
    const route = list(at(misspelt, 'spec', 'http', 0, 'route'))[0] as Obj;
    route.weigth = route.weight;
    delete route.weight;
    expect(crdProblems(crds, misspelt).join('\n')).toMatch(/weigth/);

    const wrongType = structuredClone(vs);
    (list(at(wrongType, 'spec', 'http', 0, 'route'))[0] as Obj).weight = 'all of it';
    expect(crdProblems(crds, wrongType)).not.toEqual([]);

    expect(crdProblems(crds, { ...vs, apiVersion: 'networking.istio.io/v2' })).not.toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Analysis templates

const shipped = templateFiles.map((file) => ({ file: rel(file), docs: parseFile(file) }));
const argNames = (template: Obj): string[] => names(at(template, 'spec', 'args'));
const requiredArgs = (template: Obj): string[] =>
  list(at(template, 'spec', 'args'))
    .filter((a) => a.value === undefined && a.valueFrom === undefined)
    .map((a) => String(a.name));

/** What each metric must conclude from a result: [result, successCondition holds, failureCondition holds]. */
const VERDICTS: Record<string, [Value, boolean, boolean][]> = {
  'success-rate': [
    [[0.99], true, false],
    [[0.5], false, true],
    [[], false, false],
    [[Number.NaN], false, false],
  ],
  'latency-p99': [
    [[120], true, false],
    [[2000], false, true],
    [[], false, false],
    [[Number.NaN], false, false],
  ],
  'error-ratio': [
    [[0.01], false, false],
    [[0.3], false, true],
    [[], false, false],
  ],
  'smoke-test': [
    ['ok', true, false],
    ['starting', false, false],
  ],
  // The judge's score: pass, marginal (Inconclusive), fail. No data never reaches the conditions as a number.
  'canary-score': [
    [100, true, false],
    [80, false, false],
    [50, false, true],
  ],
};

function conditionHolds(source: unknown, result: Value): boolean {
  if (source === undefined) return false;
  const compiledCondition = compileExpression(String(source));
  if (!compiledCondition.ok) throw new Error(`${String(source)}: ${compiledCondition.error}`);
  const outcome = compiledCondition.expression.evaluate({ result });
  if (!outcome.ok) throw new Error(`${String(source)} on ${JSON.stringify(result)}: ${outcome.error}`);
  if (typeof outcome.value !== 'boolean') throw new Error(`${String(source)} is not a boolean`);
  return outcome.value;
}

describe('analysis-templates/: ready templates', () => {
  it.each(shipped.map((s) => [s.file, s.docs] as const))('%s is one namespace-free template', (file, docs) => {
    expect(docs).toHaveLength(1);
    const template = docs[0] as Obj;
    expect(template).toMatchObject({ apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisTemplate' });
    expect(meta(template).name).toBe(basename(file, '.yaml'));
    expect(meta(template).namespace).toBeUndefined();
    const header = readFileSync(join(projectRoot(), file), 'utf8').split('\napiVersion:')[0] ?? '';
    for (const arg of argNames(template)) expect(header, `${file} documents arg ${arg}`).toContain(arg);
    const placeholders = [...JSON.stringify(template.spec).matchAll(/\{\{\s*args\.([\w-]+)\s*\}\}/g)].map((m) => m[1]);
    expect(new Set(argNames(template))).toEqual(new Set(placeholders));
  });

  it.each(
    shipped.flatMap((s) => list(at(s.docs[0], 'spec', 'metrics')).map((m) => [s.file, String(m.name), m] as const)),
  )('%s metric %s decides as intended on healthy, unhealthy and empty results', (_, name, metric) => {
    const cases = VERDICTS[name];
    if (!cases) throw new Error(`no expected verdicts for metric ${name}`);
    for (const [result, success, failure] of cases) {
      expect(conditionHolds(metric.successCondition, result), `success on ${String(result)}`).toBe(success);
      expect(conditionHolds(metric.failureCondition, result), `failure on ${String(result)}`).toBe(failure);
    }
  });

  it('keeps every copy inside examples/ identical to the shipped template', () => {
    const copies = exampleDocs.filter((d) => d.obj.kind === 'AnalysisTemplate');
    expect(copies.length).toBeGreaterThan(0);
    for (const { file, obj } of copies) {
      const original = shipped.find((s) => meta(s.docs[0] as Obj).name === meta(obj).name);
      expect(original, `${file} copies a template from analysis-templates/`).toBeDefined();
      const { namespace: _namespace, ...rest } = obj.metadata as Obj;
      expect({ ...obj, metadata: rest }, file).toEqual(original?.docs[0]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// References inside a folder

function analysisRefs(strategy: Obj): Obj[] {
  const canarySteps = list(at(strategy, 'canary', 'steps')).map((s) => s.analysis);
  return [
    at(strategy, 'canary', 'analysis'),
    ...canarySteps,
    at(strategy, 'blueGreen', 'prePromotionAnalysis'),
    at(strategy, 'blueGreen', 'postPromotionAnalysis'),
  ].filter((a): a is Obj => a !== undefined);
}

describe('examples/: references resolve inside each folder', () => {
  it.each(folders)('%s', (folder) => {
    const docs = exampleDocs.filter((d) => d.folder === folder).map((d) => d.obj);
    const named = (kind: string): Map<string, Obj> =>
      new Map(docs.filter((o) => o.kind === kind).map((o) => [String(meta(o).name), o]));
    const services = named('Service');
    const templates = named('AnalysisTemplate');
    const rollouts = [...named('Rollout').values()];
    expect(rollouts).toHaveLength(1);
    const spec = (rollouts[0] as Obj).spec as Obj;
    const strategy = spec.strategy as Obj;
    const variant = (strategy.canary ?? strategy.blueGreen) as Obj;

    expect(at(spec, 'template', 'metadata', 'labels')).toMatchObject(at(spec, 'selector', 'matchLabels') as Obj);
    for (const key of ['stableService', 'canaryService', 'activeService', 'previewService']) {
      if (variant[key] !== undefined) expect(services.has(String(variant[key])), `${key} exists`).toBe(true);
    }

    const routing = (variant.trafficRouting ?? {}) as Obj;
    const vsName = at(routing, 'istio', 'virtualService', 'name');
    if (vsName !== undefined) {
      const vs = named('VirtualService').get(String(vsName));
      expect(vs, `VirtualService ${String(vsName)}`).toBeDefined();
      const routeNames = names(at(vs, 'spec', 'http'));
      for (const r of at(routing, 'istio', 'virtualService', 'routes') as string[]) expect(routeNames).toContain(r);
      const hosts = list(at(vs, 'spec', 'http', 0, 'route')).map((d) => String(at(d, 'destination', 'host')));
      for (const h of hosts) expect(services.has(h), `VirtualService destination ${h}`).toBe(true);
    }
    const drName = at(routing, 'istio', 'destinationRule', 'name');
    if (drName !== undefined) {
      const subsets = names(at(named('DestinationRule').get(String(drName)), 'spec', 'subsets'));
      expect(subsets).toContain(at(routing, 'istio', 'destinationRule', 'canarySubsetName'));
      expect(subsets).toContain(at(routing, 'istio', 'destinationRule', 'stableSubsetName'));
    }
    const httpRoute = at(routing, 'gatewayAPI', 'httpRoute');
    if (httpRoute !== undefined) {
      const backends = names(at(named('HTTPRoute').get(String(httpRoute)), 'spec', 'rules', 0, 'backendRefs'));
      expect(backends.sort()).toEqual([variant.canaryService, variant.stableService].sort());
    }
    const split = at(routing, 'smi', 'trafficSplitName');
    if (split !== undefined) {
      const ts = named('TrafficSplit').get(String(split));
      expect(at(ts, 'spec', 'service')).toBe(at(routing, 'smi', 'rootService'));
      expect(services.has(String(at(routing, 'smi', 'rootService')))).toBe(true);
    }

    const managed = names(routing.managedRoutes);
    for (const step of list(variant.steps)) {
      const route = (step.setHeaderRoute ?? step.setMirrorRoute) as Obj | undefined;
      if (route) expect(managed, 'header and mirror routes are listed in managedRoutes').toContain(route.name);
      expect(Object.keys(step), 'one action per step').toHaveLength(1);
    }

    for (const analysis of analysisRefs(strategy)) {
      const given = names(analysis.args);
      for (const ref of list(analysis.templates)) {
        const template = templates.get(String(ref.templateName));
        expect(template, `AnalysisTemplate ${String(ref.templateName)} is in the folder`).toBeDefined();
        for (const arg of requiredArgs(template as Obj)) expect(given, `arg ${arg}`).toContain(arg);
      }
      for (const arg of given) {
        const known = list(analysis.templates).some((ref) =>
          argNames(templates.get(String(ref.templateName)) as Obj).includes(arg),
        );
        expect(known, `arg ${arg} is declared by a template`).toBe(true);
      }
    }
  });
});
