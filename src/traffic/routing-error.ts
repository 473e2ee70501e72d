// Errors a router raises when it cannot translate: the routing object is absent, holds something the router cannot
// interpret, or the desired routes need a feature the mesh lacks. All are spec problems a user must fix, never
// retryable I/O failures (those come from RouterIo unchanged).

export const ROUTING_ERROR_REASONS = ['missing', 'invalid', 'unsupported'] as const;
export type RoutingErrorReason = (typeof ROUTING_ERROR_REASONS)[number];

export class TrafficRoutingError extends Error {
  readonly reason: RoutingErrorReason;
  /** e.g. `VirtualService prod/web` */
  readonly object: string;

  constructor(reason: RoutingErrorReason, object: string, message: string) {
    super(`${object}: ${message}`);
    this.name = 'TrafficRoutingError';
    this.reason = reason;
    this.object = object;
  }
}

export function isTrafficRoutingError(err: unknown): err is TrafficRoutingError {
  return err instanceof TrafficRoutingError;
}
