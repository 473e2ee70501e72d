// Errors as kubectl prints them: `error: …` for the CLI's own, `Error from server (Reason): …` for the API server's.
import { KubeError } from '../kube/kube-error.js';

/** A refusal or usage error the user can act on; printed as `error: <message>`, exit code `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

// KubeClient prefixes messages with the call ("get Rollout.sluice.dev demo/web: "); the server's own words follow.
const CALL_CONTEXT = /^[a-z-]+(?: status of)? [A-Za-z]+(?:\.[a-z0-9.-]+)?(?: in \S+| \S+)?: /;

export function serverMessage(err: KubeError): string {
  return err.message.replace(CALL_CONTEXT, '');
}

export function formatError(err: unknown): string {
  if (err instanceof KubeError && err.code > 0) {
    const reason = err.reason || `HTTP ${err.code}`;
    return `Error from server (${reason}): ${serverMessage(err)}`;
  }
  if (err instanceof KubeError) return `error: ${err.message}`;
  if (err instanceof Error) return `error: ${err.message}`;
  return `error: ${String(err)}`;
}

export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : 1;
}

/**
 * Wraps a verb's action: its result is the exit code; anything thrown is printed kubectl-style on stderr.
 * process.exitCode (not process.exit) lets pending output drain before the process ends.
 */
export function runVerb<A extends unknown[]>(
  body: (...args: A) => Promise<number | void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await body(...args);
      if (typeof code === 'number' && code !== 0) process.exitCode = code;
    } catch (err) {
      process.stderr.write(`${formatError(err)}\n`);
      process.exitCode = exitCodeOf(err);
    }
  };
}
