import { createLink } from "@tanstack/react-router";
import { EyeIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { ComponentProps } from "react";
import { Button } from "@/components/ui/button";

type IconButtonProps = Omit<ComponentProps<typeof Button>, "variant" | "size" | "children"> & {
  /** What the button does, for screen readers, e.g. "Edit orders". */
  label: string;
};

/** A small pencil button that opens something for editing. */
export function EditIconButton({ label, ...props }: IconButtonProps) {
  return (
    <Button variant="ghost" size="icon-sm" aria-label={label} {...props}>
      <PencilIcon />
    </Button>
  );
}

/** A small red bin button that deletes or removes something. */
export function DeleteIconButton({ label, ...props }: IconButtonProps) {
  return (
    <Button
      variant="ghost"
      size="icon-sm"
      className="text-destructive hover:bg-destructive/10 hover:text-destructive"
      aria-label={label}
      {...props}
    >
      <Trash2Icon />
    </Button>
  );
}

type EditIconAnchorProps = Omit<ComponentProps<"a">, "children"> & {
  /** The user may only look: an eye instead of the pencil (and say "Open" in the label). */
  readOnly?: boolean;
};

function EditIconAnchor({ readOnly = false, ...props }: EditIconAnchorProps) {
  return (
    <Button variant="ghost" size="icon-sm" asChild>
      <a {...props}>{readOnly ? <EyeIcon /> : <PencilIcon />}</a>
    </Button>
  );
}

/** A small pencil link to something's own page, where it is edited (an eye where it can
 * only be read); give it an aria-label. */
export const EditIconLink = createLink(EditIconAnchor);
