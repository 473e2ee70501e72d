// Analysis wiring, data only: which run the rollout needs now, under which deterministic name, and what its verdict
// means for the rollout. The runs themselves are created and stopped by the executor.
import type { AnalysisPhase, AnalysisRunRef, FailurePolicy, PauseReason, RolloutAnalysis } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import type { Action } from './actions.js';
import type { AnalysisRunRole, AnalysisRunView } from './snapshot.js';

const TERMINAL_PHASES: ReadonlySet<AnalysisPhase> = new Set(['Successful', 'Failed', 'Inconclusive', 'Error']);

export function isTerminal(phase: AnalysisPhase): boolean {
  return TERMINAL_PHASES.has(phase);
}

/**
 * `<rollout>-<hash>-<revision>-<stepIndex>` for step runs, `…-bg` for the background run, `…-pre` / `…-post` for
 * blue/green's pre- and post-promotion runs.
 */
export function analysisRunBaseName(
  rollout: string,
  hash: string,
  revision: number,
  slot: number | 'bg' | 'pre' | 'post',
): string {
  return `${rollout}-${hash}-${revision}-${slot}`;
}

function belongsTo(name: string, baseName: string): boolean {
  return name === baseName || name.startsWith(`${baseName}.`);
}

export interface RunRequest {
  baseName: string;
  role: AnalysisRunRole;
  stepIndex?: number;
  podHash: string;
  analysis: RolloutAnalysis;
  /** The run the previous status pointed at for this role, if any. */
  current: AnalysisRunRef | undefined;
  runs: readonly AnalysisRunView[];
}

export interface RunState {
  ref: AnalysisRunRef;
  actions: Action[];
}

/**
 * The run for `request`: the one the status already points at, else an unfinished one left by a reconcile whose
 * status write was lost (adopted rather than duplicated), else a new one. Earlier finished attempts (before a retry
 * or a promote past an inconclusive result) keep their names, so a new attempt gets the next `.N` suffix.
 */
export function ensureRun(request: RunRequest): RunState {
  const { baseName, runs, current } = request;
  if (current !== undefined && belongsTo(current.name, baseName)) {
    const run = runs.find((r) => r.name === current.name);
    if (run !== undefined) return { ref: refOf(run), actions: [] };
    // Not in the cache yet, or deleted by hand: creating it again is idempotent either way.
    return { ref: { name: current.name, status: 'Pending' }, actions: [startAction(request, current.name)] };
  }
  const orphan = runs
    .filter(
      (r) =>
        belongsTo(r.name, baseName) &&
        r.kind === request.role &&
        r.podHash === request.podHash &&
        (request.stepIndex === undefined || r.stepIndex === request.stepIndex) &&
        !isTerminal(r.phase) &&
        r.terminating !== true,
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1))[0];
  if (orphan !== undefined) return { ref: refOf(orphan), actions: [] };
  const taken = new Set(runs.map((r) => r.name));
  let name = baseName;
  for (let attempt = 1; taken.has(name); attempt++) name = `${baseName}.${attempt}`;
  return { ref: { name, status: 'Pending' }, actions: [startAction(request, name)] };
}

function refOf(run: AnalysisRunView): AnalysisRunRef {
  return { name: run.name, status: run.phase, ...(run.message === undefined ? {} : { message: run.message }) };
}

function startAction(request: RunRequest, name: string): Action {
  return {
    kind: 'startAnalysisRun',
    name,
    analysis: request.analysis,
    role: request.role,
    ...(request.stepIndex === undefined ? {} : { stepIndex: request.stepIndex }),
    podHash: request.podHash,
  };
}

export type RunOutcome =
  | { kind: 'wait' }
  | { kind: 'successful' }
  | { kind: 'abort'; message: string }
  | { kind: 'pause'; reason: PauseReason; message: string };

/** Failed always aborts (Argo's rule); Inconclusive and Error follow the rollout's failure policy. */
export function runOutcome(ref: AnalysisRunRef, policy: FailurePolicy): RunOutcome {
  const detail = `AnalysisRun "${ref.name}" ${ref.status}${ref.message === undefined ? '' : `: ${ref.message}`}`;
  switch (ref.status) {
    case 'Pending':
    case 'Running':
      return { kind: 'wait' };
    case 'Successful':
      return { kind: 'successful' };
    case 'Failed':
      return { kind: 'abort', message: detail };
    case 'Inconclusive':
      return policy.onInconclusive === 'abort'
        ? { kind: 'abort', message: detail }
        : { kind: 'pause', reason: 'InconclusiveAnalysisRun', message: detail };
    case 'Error':
      return policy.onError === 'abort'
        ? { kind: 'abort', message: detail }
        : { kind: 'pause', reason: 'AnalysisRunError', message: detail };
    default:
      return assertNever(ref.status, 'analysis phase');
  }
}

/** Stops every unfinished run the rollout no longer wants (wrong step, old revision, completed or aborted rollout). */
export function terminateUnwanted(runs: readonly AnalysisRunView[], wanted: ReadonlySet<string>): Action[] {
  return runs
    .filter((r) => !wanted.has(r.name) && !isTerminal(r.phase) && r.terminating !== true)
    .map((r) => ({ kind: 'terminateAnalysisRun', name: r.name }));
}
