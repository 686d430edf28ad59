import { CloudOffIcon, LoaderCircleIcon, RocketIcon } from "lucide-react";
import { useState } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { PublishDialog } from "@/components/publish-dialog";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";
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
      <AlertDialog
        open={open}
        onOpenChange={(next) => {
          if (!next) unpublish.reset();
          setOpen(next);
        }}
      >
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Take {api.name} offline?</AlertDialogTitle>
            <AlertDialogDescription>
              Clients calling {endpoint} get 404 until you publish again. The versions are kept.
            </AlertDialogDescription>
          </AlertDialogHeader>
          {unpublish.isError && (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(unpublish.error)}
            </p>
          )}
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              disabled={unpublish.isPending}
              onClick={() => unpublish.mutate(undefined, { onSuccess: () => setOpen(false) })}
            >
              {unpublish.isPending && <LoaderCircleIcon className="animate-spin" />}
              Unpublish
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
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
