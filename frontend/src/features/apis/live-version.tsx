import { useQuery } from "@tanstack/react-query";
import { apisReadApiVersionsOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
import { Badge } from "@/components/ui/badge";

/** "Live · v3" for a published API, "Draft" for one that clients cannot call. */
export function LiveVersion({ api }: { api: ApiPublic }) {
  const versions = useQuery({
    ...apisReadApiVersionsOptions({ path: { api_id: api.id } }),
    enabled: api.is_published,
  });
  if (!api.is_published) return <Badge variant="muted">Draft</Badge>;
  const live = versions.data?.data.find((version) => version.id === api.published_version_id);
  return (
    <Badge variant="success">
      <span className="size-1.5 rounded-full bg-current" />
      Live{live ? ` · v${live.version}` : ""}
    </Badge>
  );
}
