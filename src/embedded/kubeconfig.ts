import { stringify } from 'yaml';

/** A kubeconfig for the embedded cluster: plain HTTP, so TLS verification is off (client-node insists on it). */
export function embeddedKubeconfig(url: string, name = 'sluice-local', namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace } }],
    'current-context': name,
    users: [{ name, user: { token: 'sluice-local' } }],
    preferences: {},
  });
}
