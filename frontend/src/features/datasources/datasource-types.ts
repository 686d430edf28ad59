import { DatabaseIcon, FeatherIcon, FishIcon, type LucideIcon, RabbitIcon } from "lucide-react";
import type { DatasourcePublic } from "@/client/types.gen";

export type DatasourceType = DatasourcePublic["type"];

/** The `options` keys the form edits; any other key of a source is kept as it is. */
export type OptionKey = "sslmode" | "catalog" | "schema" | "http_scheme" | "path";

export type TypeInfo = {
  label: string;
  /** A few words under the label in the type picker. */
  hint: string;
  icon: LucideIcon;
  /** Tailwind classes for the icon tile: a tinted background and a matching colour. */
  tone: string;
  /** Reached over the network (host, port, username, password), unlike a SQLite file. */
  network: boolean;
  defaultPort: number | null;
  /** Has a `database` field; Trino names a catalog and schema instead. */
  usesDatabase: boolean;
  optionKeys: OptionKey[];
};

export const DATASOURCE_TYPES: DatasourceType[] = ["postgres", "mysql", "trino", "sqlite"];

export const ALL_OPTION_KEYS: OptionKey[] = ["sslmode", "catalog", "schema", "http_scheme", "path"];

export const typeInfo: Record<DatasourceType, TypeInfo> = {
  postgres: {
    label: "PostgreSQL",
    hint: "Port 5432",
    icon: DatabaseIcon,
    tone: "bg-sky-500/12 text-sky-700 dark:text-sky-300",
    network: true,
    defaultPort: 5432,
    usesDatabase: true,
    optionKeys: ["sslmode"],
  },
  mysql: {
    label: "MySQL",
    hint: "Port 3306",
    icon: FishIcon,
    tone: "bg-orange-500/12 text-orange-700 dark:text-orange-300",
    network: true,
    defaultPort: 3306,
    usesDatabase: true,
    optionKeys: [],
  },
  trino: {
    label: "Trino",
    hint: "Port 8080",
    icon: RabbitIcon,
    tone: "bg-pink-500/12 text-pink-700 dark:text-pink-300",
    network: true,
    defaultPort: 8080,
    usesDatabase: false,
    optionKeys: ["catalog", "schema", "http_scheme"],
  },
  sqlite: {
    label: "SQLite",
    hint: "Local file",
    icon: FeatherIcon,
    tone: "bg-indigo-500/12 text-indigo-700 dark:text-indigo-300",
    network: false,
    defaultPort: null,
    usesDatabase: false,
    optionKeys: ["path"],
  },
};

/**
 * Per type, the options that only tune the session once the server is chosen. Any other
 * option (TLS, authentication) decides where or how safely the password travels, so
 * changing it, like the type, host, port, database or user, makes the server drop the
 * stored password. Mirrors the backend's `connectors.SESSION_OPTIONS`.
 */
export const SESSION_OPTIONS: Record<DatasourceType, ReadonlySet<string>> = {
  postgres: new Set([
    "application_name",
    "target_session_attrs",
    "load_balance_hosts",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "prepare_threshold",
  ]),
  mysql: new Set(["charset"]),
  trino: new Set(["catalog", "schema", "source"]),
  sqlite: new Set(),
};

/** PostgreSQL's libpq `sslmode` values, weakest first. */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

function optionText(source: DatasourcePublic, key: OptionKey): string {
  const value = source.options?.[key];
  return typeof value === "string" ? value : "";
}

/** Where a source points: "host:port/database", "host/catalog.schema", or the SQLite file. */
export function connectionSummary(source: DatasourcePublic): string {
  if (source.type === "sqlite") return optionText(source, "path") || "no file set";
  const port = source.port ?? typeInfo[source.type].defaultPort;
  const address = `${source.host ?? "?"}:${port}`;
  if (source.type === "trino") {
    const target = [optionText(source, "catalog"), optionText(source, "schema")].filter(Boolean);
    return target.length > 0 ? `${address}/${target.join(".")}` : address;
  }
  return source.database ? `${address}/${source.database}` : address;
}
