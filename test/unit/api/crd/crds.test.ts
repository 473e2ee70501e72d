import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, parse as parseCel } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildCrds, crdFileName, renderCrd } from '../../../../src/api/crd/crds.js';
import type { CustomResourceDefinition } from '../../../../src/api/crd/crds.js';
import { crdSchemaOf } from '../../../../src/api/crd/structural.js';
import { z } from 'zod';
import { projectRoot } from '../../../../src/paths.js';

const crdDir = join(projectRoot(), 'crds');
const checkedIn = (): CustomResourceDefinition[] =>
  readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseYaml(readFileSync(join(crdDir, f), 'utf8')) as CustomResourceDefinition);

type Schema = Record<string, unknown>;
const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'];
const FORBIDDEN_IN_JUNCTOR = ['type', 'description', 'default', 'additionalProperties', 'nullable'];
// Lookaround, backreferences, atomic groups and possessive quantifiers are JavaScript-only; Go's RE2 rejects them.
const NOT_RE2 = /\(\?<?[=!]|\(\?>|\\[1-9]|[*+?}]\+/;

/** Every way a schema can fail to be structural, as "path: problem" lines (empty = structural). */
function structuralProblems(node: Schema, path: string, inJunctor = false): string[] {
  const out: string[] = [];
  const typed =
    typeof node.type === 'string' ||
    node['x-kubernetes-int-or-string'] === true ||
    node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!inJunctor && !typed) out.push(`${path}: no type`);
  for (const key of ['$ref', 'definitions', '$defs', 'const', '$schema'])
    if (key in node) out.push(`${path}: has ${key}`);
  if (node.additionalProperties === false) out.push(`${path}: additionalProperties: false`);
  if (node.uniqueItems === true) out.push(`${path}: uniqueItems: true`);
  if (node.properties !== undefined && node.additionalProperties !== undefined)
    out.push(`${path}: properties with additionalProperties`);
  if (inJunctor) for (const key of FORBIDDEN_IN_JUNCTOR) if (key in node) out.push(`${path}: ${key} inside a junctor`);
  if (typeof node.pattern === 'string' && NOT_RE2.test(node.pattern))
    out.push(`${path}: pattern is not RE2: ${node.pattern}`);
  if (Array.isArray(node.items)) out.push(`${path}: items is a list`);
  for (const [name, child] of Object.entries((node.properties as Record<string, Schema> | undefined) ?? {})) {
    out.push(...structuralProblems(child, `${path}.${name}`, inJunctor));
  }
  if (typeof node.items === 'object' && node.items !== null && !Array.isArray(node.items)) {
    out.push(...structuralProblems(node.items as Schema, `${path}[]`, inJunctor));
  }
  if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) {
    out.push(...structuralProblems(node.additionalProperties as Schema, `${path}{}`, inJunctor));
  }
  for (const junctor of JUNCTORS) {
    const branches = node[junctor];
    if (branches === undefined) continue;
    for (const [i, branch] of (Array.isArray(branches) ? branches : [branches]).entries()) {
      out.push(...structuralProblems(branch as Schema, `${path}.${junctor}[${i}]`, true));
    }
  }
  return out;
}

function celRules(node: Schema): string[] {
  const rules = ((node['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? []).map((v) => v.rule);
  const children = [
    ...Object.values((node.properties as Record<string, Schema> | undefined) ?? {}),
    ...(typeof node.items === 'object' && node.items ? [node.items as Schema] : []),
    ...(typeof node.additionalProperties === 'object' && node.additionalProperties
      ? [node.additionalProperties as Schema]
      : []),
  ];
  return [...rules, ...children.flatMap(celRules)];
}

describe('generated CRDs', () => {
  it('are exactly what `npm run gen:crds` writes (regenerate after changing src/api)', () => {
    const expected = buildCrds();
    const files = readdirSync(crdDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(files).toEqual(expected.map(crdFileName).sort());
    for (const crd of expected) {
      expect(readFileSync(join(crdDir, crdFileName(crd)), 'utf8'), crdFileName(crd)).toBe(renderCrd(crd));
    }
  });

  it('are named crds/<plural>.sluice.dev.yaml', () => {
    expect(readdirSync(crdDir).sort()).toEqual([
      'analysisruns.sluice.dev.yaml',
      'analysistemplates.sluice.dev.yaml',
      'clusteranalysistemplates.sluice.dev.yaml',
      'rollouts.sluice.dev.yaml',
    ]);
  });

  it.each(checkedIn().map((crd) => [crd.metadata.name, crd] as const))(
    '%s is a valid apiextensions.k8s.io/v1 CRD',
    (_, crd) => {
      expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(crd.kind).toBe('CustomResourceDefinition');
      const { names, group, scope, versions } = crd.spec;
      expect(group).toBe('sluice.dev');
      expect(crd.metadata.name).toBe(`${names.plural}.${group}`);
      expect(names.kind).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(names.listKind).toBe(`${names.kind}List`);
      expect(names.singular).toBe(names.kind.toLowerCase());
      expect(names.plural).toBe(`${names.singular}s`);
      expect(names.categories).toEqual(['sluice']);
      expect(scope).toBe(names.kind === 'ClusterAnalysisTemplate' ? 'Cluster' : 'Namespaced');
      expect(versions.filter((v) => v.served)).toHaveLength(1);
      expect(versions.filter((v) => v.storage)).toHaveLength(1);
      const root = versions[0]?.schema.openAPIV3Schema as Schema;
      expect(root.type).toBe('object');
      expect((root.properties as Record<string, Schema>).metadata).toEqual({ type: 'object' });
    },
  );

  it.each(checkedIn().map((crd) => [crd.metadata.name, crd] as const))('%s has a structural schema', (_, crd) => {
    const root = crd.spec.versions[0]?.schema.openAPIV3Schema as Schema;
    expect(structuralProblems(root, '(root)')).toEqual([]);
  });

  it('has CEL rules that parse and hold exactly when one strategy / one pod source is set', () => {
    const rules = checkedIn().flatMap((crd) => celRules(crd.spec.versions[0]?.schema.openAPIV3Schema as Schema));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(() => parseCel(rule)).not.toThrow();
    const strategyRule = 'has(self.canary) != has(self.blueGreen)';
    expect(rules).toContain(strategyRule);
    expect(evaluate(strategyRule, { self: { canary: {} } })).toBe(true);
    expect(evaluate(strategyRule, { self: { canary: {}, blueGreen: {} } })).toBe(false);
    expect(evaluate(strategyRule, { self: {} })).toBe(false);
  });

  it('gives Rollout the scale and status subresources, short name sro and the printer columns', () => {
    const rollout = checkedIn().find((crd) => crd.spec.names.kind === 'Rollout');
    const version = rollout?.spec.versions[0];
    expect(rollout?.spec.names.shortNames).toEqual(['sro']);
    expect(version?.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.status.selector',
      },
    });
    expect(version?.additionalPrinterColumns?.map((c) => [c.name, c.jsonPath])).toEqual([
      ['Desired', '.spec.replicas'],
      ['Current', '.status.replicas'],
      ['Up-to-date', '.status.updatedReplicas'],
      ['Available', '.status.availableReplicas'],
      ['Phase', '.status.phase'],
      ['Step', '.status.currentStepIndex'],
      ['Weight', '.status.canary.weights.canary.weight'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('gives the analysis kinds their own short names (so Argo Rollouts can be installed beside Sluice)', () => {
    const shortNames = Object.fromEntries(checkedIn().map((crd) => [crd.spec.names.kind, crd.spec.names.shortNames]));
    expect(shortNames).toEqual({
      Rollout: ['sro'],
      AnalysisTemplate: ['sat'],
      ClusterAnalysisTemplate: ['scat'],
      AnalysisRun: ['sar'],
    });
    const run = checkedIn().find((crd) => crd.spec.names.kind === 'AnalysisRun')?.spec.versions[0];
    expect(run?.subresources).toEqual({ status: {} });
    expect(run?.additionalPrinterColumns?.map((c) => c.name)).toEqual(['Phase', 'Age']);
  });

  it('marks durations and int-or-percent fields as int-or-string', () => {
    const rollout = checkedIn().find((crd) => crd.spec.names.kind === 'Rollout');
    const spec = (rollout?.spec.versions[0]?.schema.openAPIV3Schema.properties as Record<string, Schema>)
      .spec as Schema;
    const canary = ((spec.properties as Record<string, Schema>).strategy?.properties as Record<string, Schema>)
      .canary as Schema;
    const props = canary.properties as Record<string, Schema>;
    expect(props.maxSurge).toEqual({ 'x-kubernetes-int-or-string': true });
    const step = (props.steps?.items as Schema).properties as Record<string, Schema>;
    expect((step.pause?.properties as Record<string, Schema>).duration).toEqual({ 'x-kubernetes-int-or-string': true });
  });

  it('the structural check itself catches what the API server would reject', () => {
    const bad: Schema = {
      type: 'object',
      properties: {
        untyped: {},
        closed: { type: 'object', additionalProperties: false },
        both: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
        lookahead: { type: 'string', pattern: '^(?=a)' },
        choice: { anyOf: [{ type: 'string' }, { type: 'integer' }], type: 'string' },
      },
    };
    expect(structuralProblems(bad, '(root)')).toEqual([
      '(root).untyped: no type',
      '(root).closed: additionalProperties: false',
      '(root).both: properties with additionalProperties',
      '(root).lookahead: pattern is not RE2: ^(?=a)',
      '(root).choice.anyOf[0]: type inside a junctor',
      '(root).choice.anyOf[1]: type inside a junctor',
    ]);
  });

  it('refuses to generate a CRD from a wire schema that cannot be structural (a plain union)', () => {
    expect(() => crdSchemaOf(z.object({ x: z.union([z.string(), z.object({ a: z.string() })]) }), 'Test')).toThrow(
      /Test\.x: "anyOf" cannot be made structural/,
    );
  });
});
