import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apisRestoreApiVersionMutation } from "@/client/@tanstack/react-query.gen";
import type { ApiVersionPublic } from "@/client/types.gen";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { GateRefusalView, useGateRefusal } from "./gate-refusal";

type RestoreVersionDialogProps = {
  apiId: number;
  version: ApiVersionPublic | null;
  /** The editor holds changes that the restore would replace. */
  dirty: boolean;
  /** The user may restore past the module's failing tests (with a reason). */
  mayForce: boolean;
  onClose: () => void;
  onRestored: () => Promise<void>;
};

type Target = "draft" | "live";

const TARGETS: { value: Target; label: string; hint: string }[] = [
  {
    value: "draft",
    label: "Restore to the draft",
    hint: "The draft becomes that content; the live version stays until you publish.",
  },
  {
    value: "live",
    label: "Restore and publish",
    hint: "Its content is published again as a new version, which goes live at once.",
  },
];

function TargetChoice({ value, onChange }: { value: Target; onChange: (to: Target) => void }) {
  return (
    <fieldset className="space-y-2">
      <legend className="sr-only">How to restore</legend>
      {TARGETS.map((target) => (
        <label key={target.value} className="flex items-start gap-2 text-sm">
          <input
            type="radio"
            name="restore-target"
            className="mt-1 accent-primary"
            checked={value === target.value}
            onChange={() => onChange(target.value)}
          />
          <span>
            <span className="font-medium">{target.label}</span>
            <span className="block text-muted-foreground">{target.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Restore a version into the draft (the default, nothing goes live) or restore and publish
 * it; the module's tests may refuse a publishing restore, as they may a publish.
 */
export function RestoreVersionDialog(props: RestoreVersionDialogProps) {
  const { apiId, version, dirty, mayForce, onClose, onRestored } = props;
  const gate = useGateRefusal(mayForce);
  const [to, setTo] = useState<Target>("draft");
  const close = () => {
    gate.reset();
    setTo("draft");
    onClose();
  };
  const restore = useMutation({
    ...apisRestoreApiVersionMutation(),
    onSuccess: async () => {
      await onRestored();
      close();
    },
    onError: gate.onError,
  });
  return (
    <ConfirmDialog
      open={version !== null}
      onClose={close}
      title={`Restore version ${version?.version ?? ""}?`}
      description={
        <>
          The draft becomes the content of version {version?.version}.
          {dirty && " Your unsaved changes in the editor are discarded."}
        </>
      }
      confirmLabel={
        to === "draft"
          ? "Restore to draft"
          : gate.forcing
            ? "Restore anyway"
            : "Restore and publish"
      }
      confirmDisabled={to === "live" && gate.blocked}
      action={restore}
      onConfirm={() =>
        version &&
        restore.mutate({
          path: { api_id: apiId, version_id: version.id },
          body: to === "draft" ? { to } : { to, ...gate.force },
        })
      }
    >
      <TargetChoice
        value={to}
        onChange={(next) => {
          restore.reset();
          gate.reset();
          setTo(next);
        }}
      />
      {to === "live" && <GateRefusalView gate={gate} mayForce={mayForce} verb="restore" />}
    </ConfirmDialog>
  );
}
