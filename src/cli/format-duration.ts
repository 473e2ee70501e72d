// Durations as kubectl prints ages (45s, 3m20s, 2h, 4d) and as Sluice prints step pauses (30s, 1m30s, 2h).

/** kubectl's HumanDuration: coarser as the duration grows. */
export function humanAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function ageSince(timestamp: string | undefined, now: Date): string {
  if (timestamp === undefined) return '';
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? '' : humanAge(now.getTime() - at);
}

/** Exact: 30s, 1m30s, 1h, 1h0m5s → `1h0m5s`, 250ms. */
export function exactDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0 || (h > 0 && s > 0)) out += `${m}m`;
  if (s > 0 || out === '') out += `${s}s`;
  return out;
}
