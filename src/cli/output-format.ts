// `-o json|yaml` for scripts: the objects exactly as the API server returned them.
import { Option } from 'commander';
import { stringify } from 'yaml';
import type { KubeObject } from '../kube/kube-object.js';

export type OutputFormat = 'json' | 'yaml';

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'print the raw object(s) instead of the summary').choices([
    'json',
    'yaml',
  ]);
}

export function formatObjects(format: OutputFormat, value: KubeObject | readonly KubeObject[]): string {
  const doc = Array.isArray(value) ? { apiVersion: 'v1', kind: 'List', items: value, metadata: {} } : value;
  // Kubernetes reads YAML 1.1, where yes/no/on/off are booleans: quote such strings so they stay strings.
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { version: '1.1' });
}
