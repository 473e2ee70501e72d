// `trafficRouting`: which mesh object carries the split, and which routes Sluice may add to it.
import { z } from 'zod';
import { exactlyOneOf, objectName } from './common.js';

export const SMI_API_VERSIONS = [
  'split.smi-spec.io/v1alpha1',
  'split.smi-spec.io/v1alpha2',
  'split.smi-spec.io/v1alpha3',
  'split.smi-spec.io/v1alpha4',
] as const;

const routeName = () => z.string().min(1);

export const istioRoutingWire = z.strictObject({
  virtualService: z.strictObject({
    name: objectName(),
    /** HTTP route names inside the VirtualService; may be omitted when it has exactly one. */
    routes: z.array(routeName()).optional(),
  }),
  destinationRule: z
    .strictObject({
      name: objectName(),
      canarySubsetName: routeName(),
      stableSubsetName: routeName(),
    })
    .optional(),
});

/**
 * `httpRoute: name` for the common single-route case, or `httpRoutes: [{name}]` (the object form of the Argo
 * Gateway API plugin); both may be given and are merged.
 */
export const gatewayApiRoutingWire = z
  .strictObject({
    httpRoute: objectName().optional(),
    httpRoutes: z.array(z.strictObject({ name: objectName() })).optional(),
    grpcRoute: objectName().optional(),
    namespace: objectName().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.httpRoute === undefined && !value.httpRoutes?.length && value.grpcRoute === undefined) {
      ctx.addIssue({ code: 'custom', message: 'gatewayAPI needs httpRoute, httpRoutes or grpcRoute' });
    }
  });

export const smiRoutingWire = z.strictObject({
  rootService: objectName(),
  /** Default: the Rollout's name. Sluice creates the TrafficSplit when it does not exist. */
  trafficSplitName: objectName().optional(),
  apiVersion: z.enum(SMI_API_VERSIONS).optional(),
});

export const trafficRoutingWire = z
  .strictObject({
    istio: istioRoutingWire.optional(),
    gatewayAPI: gatewayApiRoutingWire.optional(),
    smi: smiRoutingWire.optional(),
    managedRoutes: z.array(z.strictObject({ name: routeName() })).optional(),
  })
  .superRefine(exactlyOneOf(['istio', 'gatewayAPI', 'smi'], 'trafficRouting'));

export type TrafficRoutingWire = z.infer<typeof trafficRoutingWire>;
