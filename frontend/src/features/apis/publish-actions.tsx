import { CloudOffIcon, RocketIcon } from "lucide-react";
import { useId, useState } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { DisabledReason } from "@/components/disabled-reason";
import { PublishDialog } from "@/components/publish-dialog";
import { Button } from "@/components/ui/button";
import { GateRefusalView, useGateRefusal } from "./gate-refusal";
import { usePublishApi, useUnpublishApi } from "./use-api-mutations";

type PublishActionsProps = {
  api: ApiPublic;
  /** Saves unsaved changes; null when there are none. */
  saveFirst: (() => Promise<unknown>) | null;
  endpoint: string;
  /** The API's module holds publishes to passing tests. */
  gated: boolean;
  /** The user may publish past failing tests (with a reason). */
  mayForce: boolean;
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

/**
 * Publish (with a message) and, for a live API, Unpublish. When the module's tests refuse
 * the publish, the dialog shows which failed and why, and asks a user who may force it
 * for the reason to publish anyway.
 */
export function PublishActions({ api, saveFirst, endpoint, gated, mayForce }: PublishActionsProps) {
  const [open, setOpen] = useState(false);
  const publish = usePublishApi(api.id, saveFirst);
  const gate = useGateRefusal(mayForce);
  const reasonId = useId();
  // Publishing the live content again would only add a duplicate version (the server
  // refuses it); unsaved changes are saved first, so they count as a change.
  const nothing = api.is_published && !api.draft_differs && !saveFirst;
  return (
    <>
      {api.is_published && <UnpublishButton api={api} endpoint={endpoint} />}
      <div className="flex flex-col items-end gap-1">
        <Button
          onClick={() => setOpen(true)}
          disabled={nothing}
          aria-describedby={nothing ? reasonId : undefined}
        >
          <RocketIcon />
          Publish
        </Button>
        {nothing && (
          <DisabledReason id={reasonId}>
            Nothing to publish: the draft is the same as the live version.
          </DisabledReason>
        )}
      </div>
      <PublishDialog
        open={open}
        onOpenChange={(next) => {
          if (!next) {
            publish.reset();
            gate.reset();
          }
          setOpen(next);
        }}
        title={`Publish ${api.name}`}
        description={
          <>
            The draft becomes a new version, live at <code className="font-mono">{endpoint}</code>.
            {saveFirst && " Your unsaved changes are saved first."}
            {gated && " Its module holds publishes to passing tests: the API's tests run first."}
          </>
        }
        pending={publish.isPending}
        error={publish.error}
        submitLabel={gate.forcing ? "Publish anyway" : undefined}
        submitDisabled={gate.blocked}
        onPublish={(message) =>
          publish.mutate(
            { message, ...gate.force },
            {
              onSuccess: () => {
                gate.reset();
                setOpen(false);
              },
              onError: gate.onError,
            },
          )
        }
      >
        <GateRefusalView gate={gate} mayForce={mayForce} verb="publish" />
      </PublishDialog>
    </>
  );
}
