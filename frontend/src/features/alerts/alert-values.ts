import type { AlertCreate, AlertPublic } from "@/client/types.gen";

export type AlertKind = AlertPublic["kind"];

export const KIND_LABELS: Record<AlertKind, string> = {
  error_rate: "Error rate",
  latency_p95: "p95 latency",
  datasource_health: "Data source health",
  records_dropped: "Dropped access records",
};

/** What the threshold of each kind counts, for its label; health rules have none. */
export const THRESHOLD_LABELS: Record<AlertKind, string | null> = {
  error_rate: "Error rate above (%)",
  latency_p95: "p95 latency above (ms)",
  datasource_health: null,
  records_dropped: "Dropped records above",
};

export const isTraffic = (kind: AlertKind) => kind === "error_rate" || kind === "latency_p95";

/** The form's state: text fields as typed, the scope as one select value. */
export type AlertValues = {
  name: string;
  kind: AlertKind;
  /** "all", "module:<id>" or "api:<id>". */
  scope: string;
  datasourceId: string;
  statusClass: "5xx" | "4xx";
  threshold: string;
  windowSeconds: string;
  minCalls: string;
  webhookUrl: string;
  webhookFormat: "json" | "slack";
  repeatMinutes: string;
  secret: string;
  enabled: boolean;
};

/** A fresh random secret for a new rule's webhook signature (32 hex characters). */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function scopeOf(alert: AlertPublic): string {
  if (alert.api_id) return `api:${alert.api_id}`;
  if (alert.module_id) return `module:${alert.module_id}`;
  return "all";
}

export function initialValues(alert?: AlertPublic): AlertValues {
  return {
    name: alert?.name ?? "",
    kind: alert?.kind ?? "error_rate",
    scope: alert ? scopeOf(alert) : "all",
    datasourceId: alert?.datasource_id ? String(alert.datasource_id) : "",
    statusClass: alert?.status_class ?? "5xx",
    threshold: String(alert?.threshold ?? 5),
    windowSeconds: String(alert?.window_seconds ?? 300),
    minCalls: String(alert?.min_calls ?? 10),
    webhookUrl: alert?.webhook_url ?? "",
    webhookFormat: alert?.webhook_format ?? "json",
    repeatMinutes: String(Math.round((alert?.repeat_seconds ?? 3600) / 60)),
    secret: alert ? "" : randomSecret(),
    enabled: alert?.enabled ?? true,
  };
}

const idIn = (scope: string, kind: string) =>
  scope.startsWith(`${kind}:`) ? Number(scope.slice(kind.length + 1)) : null;

/** The request body; numbers the browser cannot read go as they are, for the server's 422. */
export function toBody(values: AlertValues): Omit<AlertCreate, "secret"> & { secret?: string } {
  const traffic = isTraffic(values.kind);
  return {
    name: values.name.trim(),
    kind: values.kind,
    api_id: traffic ? idIn(values.scope, "api") : null,
    module_id: traffic ? idIn(values.scope, "module") : null,
    datasource_id:
      values.kind === "datasource_health" && values.datasourceId
        ? Number(values.datasourceId)
        : null,
    status_class: values.statusClass,
    threshold: Number(values.threshold || 0),
    window_seconds: Number(values.windowSeconds),
    min_calls: Number(values.minCalls),
    webhook_url: values.webhookUrl.trim(),
    webhook_format: values.webhookFormat,
    repeat_seconds: Math.round(Number(values.repeatMinutes) * 60),
    enabled: values.enabled,
    ...(values.secret ? { secret: values.secret } : {}),
  };
}
