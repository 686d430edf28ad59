import type { ReactNode } from "react";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

/** What a field's control needs to be labelled and described. */
export type ControlProps = {
  id: string;
  "aria-invalid": boolean | undefined;
  "aria-describedby": string | undefined;
};

type FormFieldProps = {
  id: string;
  label: string;
  hint?: ReactNode;
  /** A server validation message for this field. */
  error?: string;
  className?: string;
  children: (control: ControlProps) => ReactNode;
};

/** A label, a control, and under it the server's complaint or else a hint. */
export function FormField({ id, label, hint, error, className, children }: FormFieldProps) {
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className={cn("space-y-2", className)}>
      <Label htmlFor={id}>{label}</Label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": note ? noteId : undefined,
      })}
      {note && (
        <p
          id={noteId}
          className={cn("text-xs", error ? "text-destructive" : "text-muted-foreground")}
        >
          {note}
        </p>
      )}
    </div>
  );
}
