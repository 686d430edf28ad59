export type AccessLogsTab = "calls" | "audit";

export const RANGES = ["1h", "24h", "7d", "30d", "all", "custom"] as const;
export type TimeRange = (typeof RANGES)[number];

/** What the access logs page shows, as the URL holds it. */
export type AccessLogsSearch = {
  tab?: AccessLogsTab;
  page?: number;
  /** Calls: filters. */
  api?: number;
  client?: string;
  status?: number;
  /** Both tabs: the time range; `since` and `until` (ISO, UTC) with "custom". */
  range?: TimeRange;
  since?: string;
  until?: string;
  /** Calls: the record shown in the side panel. */
  record?: number;
  /** Audit: filters. */
  resource?: string;
  actor?: string;
};

export type SearchChange = (change: Partial<AccessLogsSearch>) => void;

const RANGE_MS: Record<"1h" | "24h" | "7d" | "30d", number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export const RANGE_LABELS: Record<TimeRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  all: "All time",
  custom: "Custom",
};

/** The default range: the last day, which the overview counts too. */
export const DEFAULT_RANGE: TimeRange = "24h";

/**
 * The `since` and `until` to ask the server for. A relative range ends now; its start is
 * rounded down to the minute so that the query stays the same for a while.
 */
export function timeBounds(
  search: AccessLogsSearch,
  now: number,
): { since?: string; until?: string } {
  const range = search.range ?? DEFAULT_RANGE;
  if (range === "all") return {};
  if (range === "custom") return { since: search.since, until: search.until };
  const minute = Math.floor(now / 60_000) * 60_000;
  return { since: new Date(minute - RANGE_MS[range]).toISOString() };
}
