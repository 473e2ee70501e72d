import type { KubeClient, WatchHandle, WatchOptions } from '../kube/kube-client.js';
import { toKubeError, type KubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { describeType, type ResourceType } from '../kube/resource-types.js';

/** How one watch connection ended, which decides what a cache does next. */
export type WatchOutcome =
  | { kind: 'closed'; events: number; durationMs: number }
  | { kind: 'expired' }
  | { kind: 'relist' }
  | { kind: 'stale' }
  | { kind: 'stopped' }
  | { kind: 'error'; error: KubeError };

export type ObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchStream {
  /** Settles exactly once, however the connection ends. */
  readonly done: Promise<WatchOutcome>;
  /** End the stream from outside (stop, periodic relist, staleness); later events are ignored. */
  end(outcome: WatchOutcome): void;
}

/**
 * One watch connection as a promise of its outcome. Hides client-node's corners: the handle arrives only after the
 * response headers (so an early `end` aborts it on arrival), ERROR events carry a Status instead of an object, and a
 * 410 may come either as the HTTP status or as such an event.
 */
export function openWatchStream<T extends KubeObject>(
  source: Pick<KubeClient, 'watch'>,
  type: ResourceType,
  options: WatchOptions,
  onObject: (type: ObjectEventType, obj: T) => void,
  now: () => number,
): WatchStream {
  let settled = false;
  let handle: WatchHandle | undefined;
  let events = 0;
  const started = now();
  let resolveDone!: (outcome: WatchOutcome) => void;
  const done = new Promise<WatchOutcome>((resolve) => (resolveDone = resolve));
  const end = (outcome: WatchOutcome): void => {
    if (settled) return;
    settled = true;
    handle?.abort();
    resolveDone(outcome);
  };
  const context = `watch ${describeType(type)}`;
  source
    .watch(
      type,
      options,
      (eventType, obj) => {
        if (settled) return;
        events++;
        if (eventType === 'ERROR') {
          const error = statusError(obj, context);
          end(error.expired ? { kind: 'expired' } : { kind: 'error', error });
          return;
        }
        // Unknown event types from a newer server are ignored rather than fatal.
        if (eventType === 'ADDED' || eventType === 'MODIFIED' || eventType === 'DELETED' || eventType === 'BOOKMARK') {
          onObject(eventType, obj as T);
        }
      },
      (err) => {
        if (err === null) end({ kind: 'closed', events, durationMs: now() - started });
        else if (err.expired) end({ kind: 'expired' });
        else end({ kind: 'error', error: err });
      },
    )
    .then(
      (h) => {
        handle = h;
        if (settled) h.abort();
      },
      (err: unknown) => end({ kind: 'error', error: toKubeError(err, context) }),
    );
  return { done, end };
}

function statusError(status: KubeObject, context: string): KubeError {
  const { message, code } = status as { message?: unknown; code?: unknown };
  return toKubeError(
    Object.assign(new Error(typeof message === 'string' ? message : 'watch error'), {
      statusCode: typeof code === 'number' ? code : 500,
    }),
    context,
  );
}
