// The demo's last words: how to try the same thing by hand on `sluice local`, with kubectl and the kubectl plugin.
// Kept as data so a test can run these exact commands.
import type { Style } from '../cli/style.js';

export const PLAYGROUND_NAMESPACE = 'demo-canary-istio';
export const PLAYGROUND_KUBECONFIG = '.sluice/kubeconfig';

/** The commands of the second terminal, in order; `$PWD` is the clone's root, where `sluice local` was started. */
export const PLAYGROUND_COMMANDS: readonly string[] = [
  `export KUBECONFIG=$PWD/${PLAYGROUND_KUBECONFIG}`,
  'kubectl apply -f examples/canary-istio/',
  `kubectl sluice get rollout web -n ${PLAYGROUND_NAMESPACE} -w`,
];

export const PLAYGROUND_RELEASE_COMMAND =
  `kubectl -n ${PLAYGROUND_NAMESPACE} patch rollout web --type json ` +
  `-p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"ghcr.io/sluice-demo/web:1.1.0"}]'`;

export function keepPlayingLines(style: Style): string[] {
  const cmd = (text: string): string => `    ${style.cyan(text)}`;
  return [
    style.bold('Keep playing'),
    '  In one terminal, from this folder, start the embedded cluster with the controller:',
    cmd('npx sluice local'),
    '  In another terminal, from the same folder:',
    ...PLAYGROUND_COMMANDS.map(cmd),
    '  then release a new version from a third terminal (same KUBECONFIG) and watch it move:',
    cmd(PLAYGROUND_RELEASE_COMMAND),
    `  ${style.gray('`kubectl sluice` needs the plugin on PATH: `npm link` puts kubectl-sluice there;')}`,
    `  ${style.gray(`without it, \`npx sluice get rollout web -n ${PLAYGROUND_NAMESPACE} -w\` shows the same view.`)}`,
  ];
}
