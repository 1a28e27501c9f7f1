/** Path and query values shared by the recording and meeting routes (docs/zoom-platform.md §2.1). */

/** Decodes a `{meetingId}` path value: UUIDs may arrive double-encoded (docs/zoom-platform.md §2.1). */
export function decodeMeetingParam(raw: string): string {
  let value = raw;
  // Fastify decoded once; a double-encoded UUID still has %XX sequences.
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep as is
    }
  }
  return value;
}

/** `date` plus `months` calendar months, clamped to the target month's last day. */
export function addMonthsUtc(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}
