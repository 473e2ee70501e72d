// The CustomResourceDefinitions, built from the wire schemas. `npm run gen:crds` writes them to crds/; a unit test
// fails when the checked-in files differ from what this produces.
import { stringify } from 'yaml';
import type { z } from 'zod';
import { API_GROUP, API_VERSION } from '../domain.js';
import { analysisRunSpecWire, analysisRunStatusWire, analysisTemplateSpecWire } from '../wire/analysis.js';
import { rolloutSpecWire } from '../wire/rollout-spec.js';
import { rolloutStatusWire } from '../wire/rollout-status.js';
import type { JsonSchema } from './structural.js';
import { crdSchemaOf } from './structural.js';

export interface PrinterColumn {
  name: string;
  type: 'integer' | 'string' | 'date' | 'boolean' | 'number';
  jsonPath: string;
  description?: string;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      additionalPrinterColumns?: PrinterColumn[];
      subresources?: {
        status?: Record<string, never>;
        scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
      };
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

interface KindDefinition {
  kind: string;
  plural: string;
  shortName: string;
  scope: 'Namespaced' | 'Cluster';
  description: string;
  spec: z.ZodType;
  status?: z.ZodType;
  printerColumns: PrinterColumn[];
  scale?: boolean;
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

// Short names differ from Argo's (ro/at/cat/ar) so that both controllers can be installed side by side.
const KINDS: readonly KindDefinition[] = [
  {
    kind: 'Rollout',
    plural: 'rollouts',
    shortName: 'sro',
    scope: 'Namespaced',
    description:
      'A Deployment replacement that brings a new version up beside the old one and shifts traffic to it step by step.',
    spec: rolloutSpecWire,
    status: rolloutStatusWire,
    scale: true,
    printerColumns: [
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'Number of desired pods' },
      {
        name: 'Current',
        type: 'integer',
        jsonPath: '.status.replicas',
        description: 'Total number of non-terminated pods',
      },
      {
        name: 'Up-to-date',
        type: 'integer',
        jsonPath: '.status.updatedReplicas',
        description: 'Pods running the new version',
      },
      {
        name: 'Available',
        type: 'integer',
        jsonPath: '.status.availableReplicas',
        description: 'Pods available to users',
      },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Step', type: 'integer', jsonPath: '.status.currentStepIndex', description: 'Current canary step' },
      {
        name: 'Weight',
        type: 'integer',
        jsonPath: '.status.canary.weights.canary.weight',
        description: 'Canary traffic weight',
      },
      AGE,
    ],
  },
  {
    kind: 'AnalysisTemplate',
    plural: 'analysistemplates',
    shortName: 'sat',
    scope: 'Namespaced',
    description: 'Metrics, conditions and arguments that an AnalysisRun measures a version against.',
    spec: analysisTemplateSpecWire,
    printerColumns: [AGE],
  },
  {
    kind: 'ClusterAnalysisTemplate',
    plural: 'clusteranalysistemplates',
    shortName: 'scat',
    scope: 'Cluster',
    description: 'An AnalysisTemplate usable from every namespace.',
    spec: analysisTemplateSpecWire,
    printerColumns: [AGE],
  },
  {
    kind: 'AnalysisRun',
    plural: 'analysisruns',
    shortName: 'sar',
    scope: 'Namespaced',
    description: 'One analysis of a rollout: metrics measured until they succeed, fail or are terminated.',
    spec: analysisRunSpecWire,
    status: analysisRunStatusWire,
    printerColumns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }, AGE],
  },
];

function crdFor(def: KindDefinition): CustomResourceDefinition {
  const properties: Record<string, JsonSchema> = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: crdSchemaOf(def.spec, `${def.kind}.spec`),
  };
  if (def.status) properties.status = crdSchemaOf(def.status, `${def.kind}.status`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/part-of': 'sluice' },
    },
    spec: {
      group: API_GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.kind.toLowerCase(),
        shortNames: [def.shortName],
        categories: ['sluice'],
      },
      scope: def.scope,
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          additionalPrinterColumns: def.printerColumns,
          ...(def.status
            ? {
                subresources: {
                  status: {},
                  ...(def.scale
                    ? {
                        scale: {
                          specReplicasPath: '.spec.replicas',
                          statusReplicasPath: '.status.replicas',
                          labelSelectorPath: '.status.selector',
                        },
                      }
                    : {}),
                },
              }
            : {}),
          schema: {
            openAPIV3Schema: {
              description: def.description,
              type: 'object',
              required: ['spec'],
              properties,
            },
          },
        },
      ],
    },
  };
}

export function buildCrds(): CustomResourceDefinition[] {
  return KINDS.map(crdFor);
}

export function crdFileName(crd: CustomResourceDefinition): string {
  return `${crd.metadata.name}.yaml`;
}

/** YAML 1.1 quoting, because Kubernetes tooling reads `yes`/`on` as booleans. */
export function renderCrd(crd: CustomResourceDefinition): string {
  return `# Generated from src/api by \`npm run gen:crds\`; do not edit.\n${stringify(crd, { version: '1.1', lineWidth: 0 })}`;
}
