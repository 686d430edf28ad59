import { AlertCircleIcon, CheckCircle2Icon, CircleDotIcon, LoaderCircleIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { errorMessage } from "@/lib/api";

type DraftSaveBarProps = {
  isNew: boolean;
  /** The submit button's text for something not created yet, e.g. "Create API". */
  createLabel: string;
  dirty: boolean;
  pending: boolean;
  /** Why the last save failed, if it did. */
  error: unknown;
};

function Status({ isNew, dirty, error }: Pick<DraftSaveBarProps, "isNew" | "dirty" | "error">) {
  if (error !== null) {
    return (
      <p role="alert" className="flex items-start gap-2 text-destructive">
        <AlertCircleIcon className="mt-0.5 size-4 shrink-0" />
        <span>{errorMessage(error)}</span>
      </p>
    );
  }
  if (isNew) return null;
  if (dirty) {
    return (
      <p className="flex items-center gap-2 text-muted-foreground">
        <CircleDotIcon className="size-4 shrink-0 text-amber-500" />
        Unsaved changes
      </p>
    );
  }
  return (
    <p role="status" className="flex items-center gap-2 text-muted-foreground">
      <CheckCircle2Icon className="size-4 shrink-0 text-success" />
      Draft saved
    </p>
  );
}

/** Save, kept in view at the bottom of an editor form, with the state of the draft. */
export function DraftSaveBar({ isNew, createLabel, dirty, pending, error }: DraftSaveBarProps) {
  return (
    <div className="sticky bottom-0 z-10 -mx-1 flex flex-wrap items-center gap-3 border-t bg-background/85 px-1 py-4 backdrop-blur">
      <div className="min-w-0 flex-1 text-sm">
        <Status isNew={isNew} dirty={dirty} error={error} />
      </div>
      <span className="hidden text-xs text-muted-foreground sm:inline">Ctrl+S</span>
      <Button type="submit" disabled={pending || (!dirty && !isNew)}>
        {pending && <LoaderCircleIcon className="animate-spin" />}
        {isNew ? createLabel : "Save draft"}
      </Button>
    </div>
  );
}
