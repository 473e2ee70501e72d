// Cross-checks of a Rollout against the other objects in the linted files. An object that is absent is a warning
// (it may live elsewhere); one that is present but cannot work with this Rollout is an error.
import type {
  AnalysisTemplate,
  IssuePath,
  ParseIssue,
  RolloutAnalysis,
  Rollout,
  TrafficRoutingSpec,
} from '../../api/index.js';
import { parseAnalysisTemplate, POD_TEMPLATE_HASH_LABEL } from '../../api/index.js';
import { assertNever } from '../../util/assert-never.js';
import type { IndexedObject, ObjectIndex } from './object-index.js';

type Finding = ParseIssue;

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface Context {
  rollout: Rollout;
  raw: Record<string, unknown>;
  namespace: string | undefined;
  index: ObjectIndex;
  podLabels: Record<string, string>;
  findings: Finding[];
}

export function checkRolloutReferences(rollout: Rollout, raw: Record<string, unknown>, index: ObjectIndex): Finding[] {
  const namespace = str(record(raw.metadata).namespace);
  const ctx: Context = { rollout, raw, namespace, index, podLabels: {}, findings: [] };
  ctx.podLabels = podLabels(ctx);
  const strategy = rollout.spec.strategy;
  if (strategy.kind === 'canary') {
    const base = ['spec', 'strategy', 'canary'];
    if (strategy.stableService !== undefined) checkService(ctx, strategy.stableService, [...base, 'stableService']);
    if (strategy.canaryService !== undefined) checkService(ctx, strategy.canaryService, [...base, 'canaryService']);
    if (strategy.trafficRouting)
      checkRouting(
        ctx,
        strategy.trafficRouting,
        [...base, 'trafficRouting'],
        strategy.stableService,
        strategy.canaryService,
      );
    strategy.steps.forEach((step, i) => {
      if (step.kind === 'analysis') checkAnalysis(ctx, step.analysis, [...base, 'steps', i, 'analysis']);
    });
    if (strategy.analysis) checkAnalysis(ctx, strategy.analysis, [...base, 'analysis']);
  } else {
    const base = ['spec', 'strategy', 'blueGreen'];
    checkService(ctx, strategy.activeService, [...base, 'activeService']);
    if (strategy.previewService !== undefined) checkService(ctx, strategy.previewService, [...base, 'previewService']);
    if (strategy.trafficRouting)
      checkRouting(
        ctx,
        strategy.trafficRouting,
        [...base, 'trafficRouting'],
        strategy.activeService,
        strategy.previewService,
      );
    if (strategy.prePromotionAnalysis)
      checkAnalysis(ctx, strategy.prePromotionAnalysis, [...base, 'prePromotionAnalysis']);
    if (strategy.postPromotionAnalysis)
      checkAnalysis(ctx, strategy.postPromotionAnalysis, [...base, 'postPromotionAnalysis']);
  }
  return ctx.findings;
}

function missing(ctx: Context, path: IssuePath, kind: string, name: string): void {
  ctx.findings.push({ path, severity: 'warning', message: `${kind} "${name}" is not in the given files; not checked` });
}

function error(ctx: Context, path: IssuePath, message: string): void {
  ctx.findings.push({ path, severity: 'error', message });
}

/** The labels the Rollout's pods will carry: its template's, its Deployment's, or at least what the selector demands. */
function podLabels(ctx: Context): Record<string, string> {
  const { spec } = ctx.rollout;
  if (spec.template) return { ...(spec.template.metadata?.labels ?? {}) };
  if (spec.workloadRef) {
    const deployment = ctx.index.find('Deployment', spec.workloadRef.name, ctx.namespace);
    if (!deployment) {
      missing(ctx, ['spec', 'workloadRef', 'name'], 'Deployment', spec.workloadRef.name);
    } else {
      const labels = record(record(record(record(deployment.value.spec).template).metadata).labels);
      return Object.fromEntries(
        Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
  }
  return { ...(spec.selector.matchLabels ?? {}) };
}

function checkService(ctx: Context, name: string, path: IssuePath): void {
  const service = ctx.index.find('Service', name, ctx.namespace);
  if (!service) return missing(ctx, path, 'Service', name);
  const selector = record(record(service.value.spec).selector);
  const entries = Object.entries(selector).filter(([key]) => key !== POD_TEMPLATE_HASH_LABEL);
  if (entries.length === 0) {
    return error(
      ctx,
      path,
      `Service "${name}" has no selector; Sluice steers a Service by adding the pod-template hash to its selector`,
    );
  }
  for (const [key, value] of entries) {
    const actual = ctx.podLabels[key];
    if (actual !== String(value)) {
      const have = actual === undefined ? `no label "${key}"` : `${key}=${actual}`;
      return error(
        ctx,
        path,
        `Service "${name}" selects ${key}=${String(value)}, but the Rollout's pods have ${have}; it can never reach them`,
      );
    }
  }
}

function checkRouting(
  ctx: Context,
  routing: TrafficRoutingSpec,
  path: IssuePath,
  stableService: string | undefined,
  canaryService: string | undefined,
): void {
  const router = routing.router;
  switch (router.kind) {
    case 'istio':
      return checkIstio(ctx, router, [...path, 'istio'], stableService, canaryService);
    case 'gatewayAPI': {
      const rawGateway = record(record(record(ctx.raw.spec).strategy));
      const wire = record(record(record(rawGateway.canary ?? rawGateway.blueGreen).trafficRouting).gatewayAPI);
      const namespace = router.namespace ?? ctx.namespace;
      for (const name of router.httpRoutes) {
        const index = list(wire.httpRoutes).findIndex((entry) => record(entry).name === name);
        const namePath =
          wire.httpRoute === name || index < 0
            ? [...path, 'gatewayAPI', 'httpRoute']
            : [...path, 'gatewayAPI', 'httpRoutes', index, 'name'];
        checkGatewayRoute(ctx, 'HTTPRoute', name, namespace, namePath, stableService, canaryService);
      }
      if (router.grpcRoute !== undefined) {
        checkGatewayRoute(
          ctx,
          'GRPCRoute',
          router.grpcRoute,
          namespace,
          [...path, 'gatewayAPI', 'grpcRoute'],
          stableService,
          canaryService,
        );
      }
      return;
    }
    case 'smi': {
      checkService(ctx, router.rootService, [...path, 'smi', 'rootService']);
      // Sluice creates the TrafficSplit when it is absent, so only a present one is checked.
      const split = ctx.index.find('TrafficSplit', router.trafficSplitName, ctx.namespace);
      const service = str(record(split?.value.spec).service);
      if (split && service !== router.rootService) {
        error(
          ctx,
          [...path, 'smi', 'rootService'],
          `TrafficSplit "${router.trafficSplitName}" splits Service "${service ?? ''}", not "${router.rootService}"`,
        );
      }
      return;
    }
    default:
      return assertNever(router, 'traffic router');
  }
}

function hostIs(host: string, service: string): boolean {
  return host === service || host.startsWith(`${service}.`);
}

function checkIstio(
  ctx: Context,
  router: Extract<TrafficRoutingSpec['router'], { kind: 'istio' }>,
  path: IssuePath,
  stableService: string | undefined,
  canaryService: string | undefined,
): void {
  const vsName = router.virtualService.name;
  const vs = ctx.index.find('VirtualService', vsName, ctx.namespace);
  if (!vs) {
    missing(ctx, [...path, 'virtualService', 'name'], 'VirtualService', vsName);
  } else {
    const http = list(record(vs.value.spec).http).map(record);
    const names = http.map((route) => str(route.name)).filter((name): name is string => name !== undefined);
    let managed: { route: Record<string, unknown>; path: IssuePath }[] = [];
    if (router.virtualService.routes.length === 0) {
      if (http.length !== 1) {
        error(
          ctx,
          [...path, 'virtualService', 'name'],
          `VirtualService "${vsName}" has ${http.length} HTTP routes; name the one(s) to manage in virtualService.routes`,
        );
      } else {
        managed = [{ route: http[0] ?? {}, path: [...path, 'virtualService', 'name'] }];
      }
    }
    router.virtualService.routes.forEach((routeName, i) => {
      const route = http.find((candidate) => candidate.name === routeName);
      const routePath = [...path, 'virtualService', 'routes', i];
      if (!route) {
        error(
          ctx,
          routePath,
          `VirtualService "${vsName}" has no HTTP route named "${routeName}" (it has: ${names.join(', ') || 'none'})`,
        );
      } else {
        managed.push({ route, path: routePath });
      }
    });
    for (const { route, path: routePath } of managed) {
      const destinations = list(route.route).map((entry) => record(record(entry).destination));
      const label = `VirtualService "${vsName}" route "${str(route.name) ?? '(unnamed)'}"`;
      if (router.destinationRule) {
        const subsets = destinations.map((d) => str(d.subset));
        for (const subset of [router.destinationRule.stableSubsetName, router.destinationRule.canarySubsetName]) {
          if (!subsets.includes(subset)) error(ctx, routePath, `${label} has no destination with subset "${subset}"`);
        }
      } else {
        for (const service of [stableService, canaryService]) {
          if (service !== undefined && !destinations.some((d) => hostIs(str(d.host) ?? '', service))) {
            error(ctx, routePath, `${label} has no destination for Service "${service}"`);
          }
        }
      }
    }
  }
  const dr = router.destinationRule;
  if (dr) {
    const found = ctx.index.find('DestinationRule', dr.name, ctx.namespace);
    if (!found) return missing(ctx, [...path, 'destinationRule', 'name'], 'DestinationRule', dr.name);
    const subsets = list(record(found.value.spec).subsets).map((s) => str(record(s).name));
    for (const field of ['stableSubsetName', 'canarySubsetName'] as const) {
      if (!subsets.includes(dr[field])) {
        error(
          ctx,
          [...path, 'destinationRule', field],
          `DestinationRule "${dr.name}" has no subset "${dr[field]}" (it has: ${subsets.filter(Boolean).join(', ') || 'none'})`,
        );
      }
    }
  }
}

function checkGatewayRoute(
  ctx: Context,
  kind: 'HTTPRoute' | 'GRPCRoute',
  name: string,
  namespace: string | undefined,
  path: IssuePath,
  stableService: string | undefined,
  canaryService: string | undefined,
): void {
  const route = ctx.index.find(kind, name, namespace);
  if (!route) return missing(ctx, path, kind, name);
  const rules = list(record(route.value.spec).rules).map(record);
  const services = [stableService, canaryService].filter((s): s is string => s !== undefined);
  const fits = rules.some((rule) => {
    const backends = list(rule.backendRefs).map((ref) => str(record(ref).name));
    return services.every((service) => backends.includes(service));
  });
  if (!fits)
    error(
      ctx,
      path,
      `${kind} "${name}" has no rule whose backendRefs name both ${services.map((s) => `"${s}"`).join(' and ')}`,
    );
}

function checkAnalysis(ctx: Context, analysis: RolloutAnalysis, path: IssuePath): void {
  const supplied = new Set(analysis.args.map((arg) => arg.name));
  const declared = new Set<string>();
  const metricOwners = new Map<string, string>();
  analysis.templates.forEach((ref, i) => {
    const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const refPath = [...path, 'templates', i, 'templateName'];
    const found = ctx.index.find(kind, ref.templateName, ctx.namespace);
    if (!found) return missing(ctx, refPath, kind, ref.templateName);
    const template = parsedTemplate(found);
    if (!template) return;
    for (const arg of template.spec.args) {
      declared.add(arg.name);
      if (arg.value === undefined && arg.valueFrom === undefined && !supplied.has(arg.name)) {
        error(
          ctx,
          refPath,
          `${kind} "${ref.templateName}" requires argument "${arg.name}", which this analysis does not pass in args`,
        );
      }
    }
    for (const metric of template.spec.metrics) {
      const owner = metricOwners.get(metric.name);
      if (owner !== undefined)
        error(ctx, refPath, `metric "${metric.name}" is defined by both "${owner}" and "${ref.templateName}"`);
      metricOwners.set(metric.name, ref.templateName);
    }
  });
  const allFound = analysis.templates.every((ref) =>
    ctx.index.find(ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', ref.templateName, ctx.namespace),
  );
  if (!allFound) return;
  analysis.args.forEach((arg, i) => {
    if (!declared.has(arg.name)) {
      ctx.findings.push({
        path: [...path, 'args', i, 'name'],
        severity: 'warning',
        message: `no referenced template declares argument "${arg.name}"; it is ignored`,
      });
    }
  });
}

const templateCache = new WeakMap<IndexedObject, AnalysisTemplate | null>();

function parsedTemplate(obj: IndexedObject): AnalysisTemplate | undefined {
  let cached = templateCache.get(obj);
  if (cached === undefined) {
    const parsed = parseAnalysisTemplate(obj.value);
    cached = parsed.ok ? parsed.value : null;
    templateCache.set(obj, cached);
  }
  return cached ?? undefined;
}
