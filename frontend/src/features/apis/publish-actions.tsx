import { CloudOffIcon, RocketIcon } from "lucide-react";
import { useState } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { PublishDialog } from "@/components/publish-dialog";
import { Button } from "@/components/ui/button";
import { usePublishApi, useUnpublishApi } from "./use-api-mutations";

type PublishActionsProps = {
  api: ApiPublic;
  /** Saves unsaved changes; null when there are none. */
  saveFirst: (() => Promise<unknown>) | null;
  endpoint: string;
};

function UnpublishButton({ api, endpoint }: { api: ApiPublic; endpoint: string }) {
  const [open, setOpen] = useState(false);
  const unpublish = useUnpublishApi(api.id);
  return (
    <>
      <Button variant="outline" onClick={() => setOpen(true)}>
        <CloudOffIcon />
        Unpublish
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Take ${api.name} offline?`}
        description={`Clients calling ${endpoint} get 404 until you publish again. The versions are kept.`}
        confirmLabel="Unpublish"
        destructive
        action={unpublish}
        onConfirm={() => unpublish.mutate(undefined, { onSuccess: () => setOpen(false) })}
      />
    </>
  );
}

/** Publish (with a message) and, for a live API, Unpublish. */
export function PublishActions({ api, saveFirst, endpoint }: PublishActionsProps) {
  const [open, setOpen] = useState(false);
  const publish = usePublishApi(api.id, saveFirst);
  const scriptEngine = api.engine === "script";
  return (
    <>
      {api.is_published && <UnpublishButton api={api} endpoint={endpoint} />}
      <Button
        disabled={scriptEngine}
        title={scriptEngine ? "Script APIs cannot be published yet" : undefined}
        onClick={() => setOpen(true)}
      >
        <RocketIcon />
        Publish
      </Button>
      <PublishDialog
        open={open}
        onOpenChange={(next) => {
          if (!next) publish.reset();
          setOpen(next);
        }}
        title={`Publish ${api.name}`}
        description={
          <>
            The draft becomes a new version, live at <code className="font-mono">{endpoint}</code>.
            {saveFirst && " Your unsaved changes are saved first."}
          </>
        }
        pending={publish.isPending}
        error={publish.error}
        onPublish={(message) => publish.mutate(message, { onSuccess: () => setOpen(false) })}
      />
    </>
  );
}
