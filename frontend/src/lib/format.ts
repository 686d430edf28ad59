const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "12 Mar 2026, 14:05" in the browser's locale, from an ISO timestamp. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}
