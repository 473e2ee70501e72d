import { imageBehaviour, type ImageBehaviour, type SimProfile } from '../profile.js';
import { isJsonObject, type JsonObject, type KubeObject } from '../types.js';

export interface ContainerRef {
  name: string;
  image: string;
  behaviour: ImageBehaviour;
}

export function podContainers(pod: KubeObject, profile: SimProfile): ContainerRef[] {
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isJsonObject) : [];
  return containers.map((c) => {
    const image = String(c.image ?? '');
    return { name: String(c.name ?? ''), image, behaviour: imageBehaviour(profile, image) };
  });
}

export function isPodReady(pod: KubeObject): boolean {
  const status = isJsonObject(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function readySince(pod: KubeObject): number | undefined {
  const status = isJsonObject(pod.status) ? pod.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
  const ready = conditions.find((c) => c.type === 'Ready' && c.status === 'True');
  return typeof ready?.lastTransitionTime === 'string' ? Date.parse(ready.lastTransitionTime) : undefined;
}

export function podPhase(pod: KubeObject): string {
  const status = isJsonObject(pod.status) ? pod.status : {};
  return typeof status.phase === 'string' ? status.phase : 'Pending';
}

function condition(type: string, ok: boolean, now: string, reason?: string): JsonObject {
  return {
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: now,
    ...(reason ? { reason } : {}),
  };
}

/** The status of a started long-running pod: Running, with readiness and crash loops as the profile says. */
export function runningStatus(
  pod: KubeObject,
  containers: readonly ContainerRef[],
  now: string,
  ip: string,
  restarts: number,
): JsonObject {
  const statuses = containers.map((c) => {
    const crashing = c.behaviour.crashLoop;
    const ready = c.behaviour.ready && !crashing;
    return {
      name: c.name,
      image: c.image,
      imageID: `sluice.local/${c.image}`,
      containerID: `sluice://${pod.metadata.uid}/${c.name}`,
      ready,
      started: !crashing,
      restartCount: crashing ? restarts : 0,
      state: crashing
        ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${c.name}` } }
        : { running: { startedAt: now } },
      ...(crashing ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: now } } } : {}),
    };
  });
  const allReady = statuses.every((s) => s.ready);
  const notReady = allReady ? undefined : 'ContainersNotReady';
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', true, now),
      condition('Initialized', true, now),
      condition('Ready', allReady, now, notReady),
      condition('ContainersReady', allReady, now, notReady),
      condition('PodScheduled', true, now),
    ],
    hostIP: '10.0.0.1',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: statuses,
  };
}

/** The status of a run-to-completion pod (a Job's) that has finished. */
export function finishedStatus(
  pod: KubeObject,
  containers: readonly ContainerRef[],
  now: string,
  ip: string,
): JsonObject {
  const failed = containers.some((c) => c.behaviour.jobResult === 'fail');
  return {
    phase: failed ? 'Failed' : 'Succeeded',
    conditions: [
      condition('Initialized', true, now, 'PodCompleted'),
      condition('Ready', false, now, 'PodCompleted'),
      condition('ContainersReady', false, now, 'PodCompleted'),
      condition('PodScheduled', true, now),
    ],
    hostIP: '10.0.0.1',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `sluice.local/${c.image}`,
      containerID: `sluice://${pod.metadata.uid}/${c.name}`,
      ready: false,
      started: false,
      restartCount: 0,
      state: {
        terminated: {
          exitCode: c.behaviour.jobResult === 'fail' ? 1 : 0,
          reason: c.behaviour.jobResult === 'fail' ? 'Error' : 'Completed',
          startedAt: now,
          finishedAt: now,
        },
      },
    })),
  };
}
