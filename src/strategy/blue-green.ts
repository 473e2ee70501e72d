// The blue/green planner. Situations, told apart by what is observed:
// - no stable ReplicaSet yet: the first revision goes straight to active;
// - the desired pod template is the stable one: steady state (also right after promotion, and after an undo);
// - the desired pod template is an older revision still up inside its scaleDownDelay: fast rollback, the active
//   Service flips back at once without analysis;
// - otherwise a new version is being previewed, switched to and checked (or was aborted).
import type { BlueGreenStrategy } from '../api/domain.js';
import type { Plan } from './actions.js';
import { blueGreenContext } from './blue-green-common.js';
import { planBlueGreenInProgress } from './blue-green-progress.js';
import { planBlueGreenFirstDeploy, planBlueGreenSteady } from './blue-green-steady.js';
import { event } from './events.js';
import { PlanBuilder } from './plan-builder.js';
import { evaluatePromotionWindows } from './promotion-window.js';
import { awaitsStart, windowCondition } from './promotion-window-gate.js';
import type { ReplicaSetView, Snapshot } from './snapshot.js';

export function planBlueGreen(snapshot: Snapshot, strategy: BlueGreenStrategy, now: Date): Plan {
  const ctx = blueGreenContext(snapshot, strategy);
  const { previous, desiredHash } = ctx;
  const stable =
    previous.stableRS === undefined ? undefined : snapshot.replicaSets.find((rs) => rs.hash === previous.stableRS);
  if (stable === undefined) return planBlueGreenFirstDeploy(ctx, now);
  if (stable.hash === desiredHash) return planBlueGreenSteady(ctx, stable, new PlanBuilder(now), {});
  const wanted = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  if (wanted !== undefined && isFastRollback(wanted, stable, ctx.replicas)) {
    const builder = new PlanBuilder(now);
    builder.emit(
      event(
        'Normal',
        'FastRollback',
        `Revision ${wanted.revision} (pod template ${wanted.hash}) is still up: active Service switched back to it without analysis`,
      ),
    );
    return planBlueGreenSteady(ctx, wanted, builder, { promoted: {} });
  }
  const window = evaluatePromotionWindows(ctx.rollout.spec.promotionWindows, now);
  if (window.kind === 'closed' && awaitsStart(previous, desiredHash, wanted)) {
    const condition = windowCondition(previous.pauseConditions, now);
    return planBlueGreenSteady(ctx, stable, new PlanBuilder(now), { waiting: { condition, window } });
  }
  return planBlueGreenInProgress(ctx, stable, now, window);
}

/**
 * An older revision that is still fully up because it is waiting out its scaleDownDelay (so it was the active side
 * moments ago): going back to it needs no checks. A newer revision (e.g. an aborted preview) never qualifies.
 */
function isFastRollback(wanted: ReplicaSetView, stable: ReplicaSetView, replicas: number): boolean {
  return (
    wanted.scaleDownAt !== undefined &&
    wanted.revision < stable.revision &&
    wanted.replicas >= replicas &&
    wanted.availableReplicas >= replicas
  );
}
