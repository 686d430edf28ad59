import { useQuery } from "@tanstack/react-query";
import { apisReadApiVersionsOptions } from "@/client/@tanstack/react-query.gen";
import type { ApiPublic } from "@/client/types.gen";
import { Badge } from "@/components/ui/badge";

type LiveVersionProps = {
  api: ApiPublic;
  /** Shows the comparison of the live version with the draft (the Versions tab); without
   * it (a list) the header's note is left out. */
  onShowDiff?: () => void;
};

/**
 * "Live · v3" for a published API, "Draft" for one that clients cannot call; when the
 * saved draft is no longer what is live, says so with a link to the difference.
 */
export function LiveVersion({ api, onShowDiff }: LiveVersionProps) {
  const versions = useQuery({
    ...apisReadApiVersionsOptions({ path: { api_id: api.id } }),
    enabled: api.is_published,
  });
  if (!api.is_published) return <Badge variant="muted">Draft</Badge>;
  const live = versions.data?.data.find((version) => version.id === api.published_version_id);
  return (
    <>
      <Badge variant="success">
        <span className="size-1.5 rounded-full bg-current" />
        Live{live ? ` · v${live.version}` : ""}
      </Badge>
      {api.draft_differs && onShowDiff && (
        <span className="inline-flex items-center gap-1.5 text-sm">
          <Badge variant="outline">Draft differs from live</Badge>
          <button
            type="button"
            className="text-primary underline-offset-4 hover:underline"
            onClick={onShowDiff}
          >
            See the changes
          </button>
        </span>
      )}
    </>
  );
}
