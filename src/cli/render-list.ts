// `list rollouts`: one line per rollout, kubectl style.
import { phaseTone } from './render-rollout.js';
import type { RolloutInfo } from './rollout-info.js';
import { badge, type Style } from './style.js';
import { renderTable } from './table.js';

const COLUMNS = [
  'NAME',
  'STRATEGY',
  'STATUS',
  'STEP',
  'SET-WEIGHT',
  'VERIFIED',
  'READY',
  'DESIRED',
  'UP-TO-DATE',
  'AVAILABLE',
];

function verifiedColumn(info: RolloutInfo, style: Style): string {
  const actual = info.actualWeight;
  if (actual === undefined) return '-';
  if (style.icons) return actual.verified ? style.green(`${actual.weight} ✔`) : style.yellow(`${actual.weight} ✖`);
  return actual.verified ? String(actual.weight) : `${actual.weight} (unverified)`;
}

export function renderRolloutList(
  infos: readonly RolloutInfo[],
  style: Style,
  options: { allNamespaces: boolean },
): string {
  const headers = options.allNamespaces ? ['NAMESPACE', ...COLUMNS] : COLUMNS;
  const rows = infos.map((info) => {
    const row = [
      info.name,
      info.strategy,
      badge(style, phaseTone(info.phase), info.phase),
      info.step === undefined ? '-' : `${info.step.index}/${info.step.total}`,
      info.setWeight === undefined ? '-' : String(info.setWeight),
      verifiedColumn(info, style),
      `${info.replicas.ready}/${info.replicas.current}`,
      String(info.replicas.desired),
      String(info.replicas.updated),
      String(info.replicas.available),
    ];
    return options.allNamespaces ? [info.namespace, ...row] : row;
  });
  return renderTable(headers, rows);
}
