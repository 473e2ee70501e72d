import { describe, expect, it } from 'vitest';
import { renderRollout } from '../../../src/cli/render-rollout.js';
import { rolloutInfo } from '../../../src/cli/rollout-info.js';
import { makeStyle, PLAIN_STYLE } from '../../../src/cli/style.js';
import { blueGreenPreview, canaryAborted, canaryHealthy, canaryMidStep, canaryPaused, NOW } from './fixtures.js';

const ICONS = makeStyle({ icons: true, colour: false });

describe('get rollout rendering', () => {
  it('renders a canary paused at a timed pause', () => {
    expect(renderRollout(rolloutInfo(canaryPaused()), PLAIN_STYLE, NOW)).toBe(`Name:            web
Namespace:       shop
Status:          Paused
Message:         CanaryPauseStep
Strategy:        Canary
  Step:          1/7
  SetWeight:     10
  ActualWeight:  10 (verified)
Images:          web:2 (canary)
                 web:1 (stable)
Replicas:
  Desired:       4
  Current:       5
  Updated:       1
  Ready:         5
  Available:     5

NAME                     KIND          STATUS    AGE   INFO
web                      Rollout       Paused    10m
├──revision:2
│  ├──web-new            ReplicaSet    Healthy   2m    canary
│  │  └──web-new-aaaaa   Pod           Running   2m    ready:1/1
│  └──web-new-2-bg       AnalysisRun   Running   60s   background successful:2
│     └──error-ratio     Metric        Running         last:0.01 successful:2
└──revision:1
   └──web-old            ReplicaSet    Healthy   10m   stable
      ├──web-old-bbbbb   Pod           Running   10m   ready:1/1
      ├──web-old-ccccc   Pod           Running   10m   ready:1/1
      ├──web-old-ddddd   Pod           Running   10m   ready:1/1
      └──web-old-eeeee   Pod           Running   10m   ready:1/1 restarts:2
`);
  });

  it('renders a canary mid-step whose weight the mesh has not confirmed yet', () => {
    expect(renderRollout(rolloutInfo(canaryMidStep()), PLAIN_STYLE, NOW)).toBe(`Name:            web
Namespace:       shop
Status:          Progressing
Message:         waiting for analysis to complete
Strategy:        Canary
  Step:          3/7
  SetWeight:     25
  ActualWeight:  10 (unverified, planned 25)
Images:          web:2 (canary)
                 web:1 (stable)
Replicas:
  Desired:       4
  Current:       5
  Updated:       1
  Ready:         4
  Available:     4

NAME                     KIND          STATUS              AGE   INFO
web                      Rollout       Progressing         10m
├──revision:2
│  ├──web-new            ReplicaSet    Progressing         2m    canary
│  │  └──web-new-aaaaa   Pod           ContainerCreating   2m    ready:0/1
│  └──web-new-2-3        AnalysisRun   Running             60s   step successful:1,failed:1
│     └──success-rate    Metric        Running                   last:0.93 successful:1,failed:1
└──revision:1
   └──web-old            ReplicaSet    Healthy             10m   stable
`);
  });

  it('renders an aborted canary waiting for its scale-down', () => {
    expect(renderRollout(rolloutInfo(canaryAborted()), PLAIN_STYLE, NOW)).toBe(`Name:            web
Namespace:       shop
Status:          Degraded
Message:         RolloutAborted: Rollout aborted update to revision 2
Strategy:        Canary
  Step:          0/7
  SetWeight:     0
  ActualWeight:  0 (verified)
Images:          web:2 (canary)
                 web:1 (stable)
Replicas:
  Desired:       4
  Current:       5
  Updated:       1
  Ready:         5
  Available:     5

NAME            KIND         STATUS     AGE   INFO
web             Rollout      Degraded   10m
├──revision:2
│  └──web-new   ReplicaSet   Healthy    2m    canary delay:25s
└──revision:1
   └──web-old   ReplicaSet   Healthy    10m   stable
`);
  });

  it('renders a blue/green rollout with the new version on preview', () => {
    expect(renderRollout(rolloutInfo(blueGreenPreview()), PLAIN_STYLE, NOW)).toBe(`Name:            web
Namespace:       shop
Status:          Paused
Message:         BlueGreenPause
Strategy:        BlueGreen
Images:          web:2 (preview)
                 web:1 (stable, active)
Replicas:
  Desired:       3
  Current:       6
  Updated:       3
  Ready:         6
  Available:     6

NAME                  KIND          STATUS       AGE   INFO
web                   Rollout       Paused       10m
├──revision:2
│  ├──web-new         ReplicaSet    Healthy      2m    preview
│  └──web-new-2-pre   AnalysisRun   Successful   60s   prePromotion successful:1
│     └──smoke        Metric        Successful         last:200 successful:1
└──revision:1
   └──web-old         ReplicaSet    Healthy      10m   stable,active
`);
  });

  it('renders icons on a terminal (colour off)', () => {
    expect(renderRollout(rolloutInfo(canaryMidStep()), ICONS, NOW)).toBe(`Name:            web
Namespace:       shop
Status:          ◌ Progressing
Message:         waiting for analysis to complete
Strategy:        Canary
  Step:          3/7
  SetWeight:     25
  ActualWeight:  10 ✖ (unverified, planned 25)
Images:          web:2 (canary)
                 web:1 (stable)
Replicas:
  Desired:       4
  Current:       5
  Updated:       1
  Ready:         4
  Available:     4

NAME                       KIND          STATUS                AGE   INFO
⟳ web                      Rollout       ◌ Progressing         10m
├──# revision:2
│  ├──⧉ web-new            ReplicaSet    ◌ Progressing         2m    canary
│  │  └──□ web-new-aaaaa   Pod           ◌ ContainerCreating   2m    ready:0/1
│  └──α web-new-2-3        AnalysisRun   ◌ Running             60s   step ✔ 1,✖ 1
│     └──success-rate      Metric        ◌ Running                   last:0.93 ✔ 1,✖ 1
└──# revision:1
   └──⧉ web-old            ReplicaSet    ✔ Healthy             10m   stable
`);
  });

  it('shows the weight of the promoted version as the stable share once the rollout is Healthy', () => {
    const text = renderRollout(rolloutInfo(canaryHealthy()), PLAIN_STYLE, NOW);
    expect(text).toContain('  SetWeight:     100\n  ActualWeight:  100 (verified)\n');
    expect(text).toContain('web-old   ReplicaSet   ScaledDown');
  });

  it('shows Progressing while the controller has not observed the latest spec', () => {
    const objects = canaryHealthy();
    objects.rollout.metadata = { ...objects.rollout.metadata, generation: 3 };
    const text = renderRollout(rolloutInfo(objects), PLAIN_STYLE, NOW);
    expect(text).toContain(
      'Status:          Progressing\nMessage:         waiting for rollout spec update to be observed\n',
    );
  });

  it('colours only when asked', () => {
    const coloured = renderRollout(rolloutInfo(canaryPaused()), makeStyle({ icons: true, colour: true }), NOW);
    expect(coloured).toContain('\x1b[');
    expect(renderRollout(rolloutInfo(canaryPaused()), ICONS, NOW)).not.toContain('\x1b[');
  });
});
