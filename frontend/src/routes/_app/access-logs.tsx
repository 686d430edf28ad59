import { createFileRoute } from "@tanstack/react-router";
import {
  AccessLogsPage,
  type AccessLogsSearch,
  type AccessLogsTab,
} from "@/features/access-logs/access-logs-page";
import { RANGES } from "@/features/access-logs/search";
import { optionalString, positiveInt } from "@/lib/search-params";

function range(value: unknown): AccessLogsSearch["range"] {
  return RANGES.find((item) => item === value);
}

function instant(value: unknown): string | undefined {
  const text = optionalString(value);
  return text && !Number.isNaN(Date.parse(text)) ? text : undefined;
}

function status(value: unknown): number | undefined {
  const number = positiveInt(value);
  return number !== undefined && number >= 100 && number <= 599 ? number : undefined;
}

export const Route = createFileRoute("/_app/access-logs")({
  validateSearch: (search): AccessLogsSearch => ({
    tab: search.tab === "audit" ? "audit" : undefined,
    page: positiveInt(search.page),
    api: positiveInt(search.api),
    client: optionalString(search.client),
    status: status(search.status),
    range: range(search.range),
    since: instant(search.since),
    until: instant(search.until),
    record: positiveInt(search.record),
    resource: optionalString(search.resource),
    actor: optionalString(search.actor),
  }),
  component: AccessLogsRoute,
});

function AccessLogsRoute() {
  const search = Route.useSearch();
  const navigate = Route.useNavigate();
  return (
    <AccessLogsPage
      search={search}
      onChange={(change) => navigate({ search: (old) => ({ ...old, ...change }) })}
      onTabChange={(tab: AccessLogsTab) =>
        navigate({
          search: (old) => ({
            tab: tab === "audit" ? tab : undefined,
            range: old.range,
            since: old.since,
            until: old.until,
          }),
        })
      }
    />
  );
}
