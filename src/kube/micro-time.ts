// Lease times are MicroTime: the API server parses them with a fixed-width RFC3339 layout with six fractional digits,
// so `Date.toISOString()` (three digits) is rejected (P7). Reads arrive as strings whatever the TS types claim.

/** `2026-01-01T00:00:01.500000Z`: milliseconds padded to microseconds. */
export function formatMicroTime(at: Date): string {
  const iso = at.toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return `${iso.slice(0, -1)}000Z`;
}

/** Milliseconds since the epoch, or undefined for a missing or unparsable value. */
export function parseMicroTime(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Number.isNaN(ms) ? undefined : ms;
}
