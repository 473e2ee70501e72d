import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, lintPaths, lintSources } from '../../../src/cli/lint.js';
import { projectRoot } from '../../../src/paths.js';

const root = projectRoot();
const fixtures = 'test/support/fixtures/lint';
const fixture = (name: string): string => join(fixtures, name);

function lines(paths: string[]): string[] {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    return lintPaths(paths).problems.map(formatProblem);
  } finally {
    process.chdir(cwd);
  }
}

describe('sluice lint (in-process)', () => {
  it('reports a misspelt field, an out-of-range weight and a two-action step with file:line and path', () => {
    expect(lines([fixture('acceptance/rollout.yaml')])).toEqual([
      `${fixtures}/acceptance/rollout.yaml:22: spec.strategy.canary.steps[1].setWieght: unknown field "setWieght" (did you mean "setWeight"?)`,
      `${fixtures}/acceptance/rollout.yaml:23: spec.strategy.canary.steps[2].setWeight: must be at most 100, got 150`,
      `${fixtures}/acceptance/rollout.yaml:24: spec.strategy.canary.steps[3]: a step takes exactly one of setWeight, pause, analysis, setCanaryScale, setHeaderRoute, setMirrorRoute; this one has setWeight and pause`,
    ]);
  });

  it('warns about an analysis template that is not in the given files', () => {
    const result = lintPaths([join(root, fixture('missing-template'))]);
    expect(result.problems).toEqual([
      {
        file: join(root, fixture('missing-template/rollout.yaml')),
        line: 33,
        path: 'spec.strategy.canary.steps[1].analysis.templates[0].templateName',
        severity: 'warning',
        message: 'AnalysisTemplate "success-rate" is not in the given files; not checked',
      },
    ]);
    expect(formatProblem(result.problems[0]!)).toMatch(/rollout\.yaml:33: warning: spec\.strategy/);
  });

  it('walks directories recursively and cross-checks Services, VirtualService routes and template arguments', () => {
    expect(lines([fixture('references')])).toEqual([
      `${fixtures}/references/rollout.yaml:21: spec.strategy.canary.canaryService: Service "shop-canary" selects app=shopp, but the Rollout's pods have app=shop; it can never reach them`,
      `${fixtures}/references/rollout.yaml:27: spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]: VirtualService "shop" route "primary" has no destination with subset "stable"`,
      `${fixtures}/references/rollout.yaml:27: spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]: VirtualService "shop" route "primary" has no destination with subset "canary"`,
      `${fixtures}/references/rollout.yaml:28: spec.strategy.canary.trafficRouting.istio.virtualService.routes[1]: VirtualService "shop" has no HTTP route named "checkout" (it has: primary, admin)`,
      `${fixtures}/references/rollout.yaml:30: warning: spec.strategy.canary.trafficRouting.istio.destinationRule.name: DestinationRule "shop" is not in the given files; not checked`,
      `${fixtures}/references/rollout.yaml:37: spec.strategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate "success-rate" requires argument "namespace", which this analysis does not pass in args`,
      `${fixtures}/references/rollout.yaml:41: warning: spec.strategy.canary.steps[1].analysis.args[1].name: no referenced template declares argument "extra"; it is ignored`,
      `${fixtures}/references/rollout.yaml:64: warning: spec.strategy.blueGreen.previewService: Service "shop-other-namespace" is not in the given files; not checked`,
    ]);
  });

  it('reports YAML syntax errors with file:line instead of crashing, and keeps linting the other documents', () => {
    expect(lines([fixture('syntax')])).toEqual([
      `${fixtures}/syntax/broken.yaml:7: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${fixtures}/syntax/broken.yaml:7: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
      `${fixtures}/syntax/broken.yaml:7: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
      `${fixtures}/syntax/broken.yaml:9: kind: unknown sluice.dev kind "Rollouts" (did you mean "Rollout"?)`,
    ]);
  });

  it('reports duplicate keys and missing paths', () => {
    const result = lintSources([{ file: 'dup.yaml', text: 'apiVersion: v1\nkind: Service\nkind: Service\n' }]);
    expect(result.problems.map(formatProblem)).toEqual(['dup.yaml:3: YAML syntax error: Map keys must be unique']);
    expect(lintPaths(['/nonexistent/sluice-lint']).problems.map(formatProblem)).toEqual([
      '/nonexistent/sluice-lint: no such file or directory',
    ]);
  });

  it('checks HTTPRoute backends and Service selectors for a Gateway API canary', () => {
    const text = `
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: c}
spec: {}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  rules:
    - backendRefs: [{name: s, port: 80}, {name: other, port: 80}]
---
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}
  strategy:
    canary:
      stableService: s
      canaryService: c
      trafficRouting: {gatewayAPI: {httpRoute: web}}
`;
    expect(lintSources([{ file: 'gw.yaml', text }]).problems.map(formatProblem)).toEqual([
      'gw.yaml:28: spec.strategy.canary.canaryService: Service "c" has no selector; Sluice steers a Service by adding the pod-template hash to its selector',
      'gw.yaml:29: spec.strategy.canary.trafficRouting.gatewayAPI.httpRoute: HTTPRoute "web" has no rule whose backendRefs name both "s" and "c"',
    ]);
  });

  it('lints the shipped examples without errors', () => {
    const result = lintPaths([join(root, 'examples')]);
    expect(result.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
  });
});

describe('sluice lint (the CLI)', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'lint', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('prints the problems and exits 1 on errors', () => {
    const result = run([fixture('acceptance')]);
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
    expect(result.stdout).toContain(
      `${fixtures}/acceptance/rollout.yaml:22: spec.strategy.canary.steps[1].setWieght: unknown field "setWieght" (did you mean "setWeight"?)`,
    );
    expect(result.stderr).toContain('1 file, 1 document: 3 errors, 0 warnings');
  });

  it('exits 0 when there are only warnings', () => {
    const result = run([fixture('missing-template')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('warning: spec.strategy.canary.steps[1].analysis.templates[0].templateName');
  });
});
