const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const preciseTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/**
 * A timestamp of the server as a Date. Access records and audit entries may come without
 * a zone (SQLite drops it); the server keeps UTC, so a bare timestamp is read as UTC.
 */
export function parseTimestamp(iso: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(iso);
  return new Date(hasZone ? iso : `${iso}Z`);
}

/** "12 Mar 2026, 14:05" in the browser's locale, from an ISO timestamp. */
export function formatDateTime(iso: string): string {
  return dateTime.format(parseTimestamp(iso));
}

/** "12 Mar 2026, 14:05:09", to tell apart calls of the same minute. */
export function formatPreciseDateTime(iso: string): string {
  return preciseTime.format(parseTimestamp(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** "5 minutes ago", "yesterday"; "now" within the minute. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((parseTimestamp(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return relative.format(0, "second");
}

/** "12 ms", "1.4 ms", "2.3 s". */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${Math.round(ms * 10) / 10} ms`;
}
