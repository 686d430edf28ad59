import { InfoIcon } from "lucide-react";
import type { ReactNode } from "react";

type DisabledReasonProps = {
  /** The id the disabled control names in `aria-describedby`. */
  id?: string;
  children: ReactNode;
};

/**
 * Why an action next to it is disabled, as visible text: a disabled button gets no pointer
 * events, so a `title` on it never shows, and a keyboard user cannot focus it either.
 */
export function DisabledReason({ id, children }: DisabledReasonProps) {
  return (
    <p id={id} className="flex items-start gap-1.5 text-xs text-muted-foreground">
      <InfoIcon className="mt-px size-3.5 shrink-0" />
      <span>{children}</span>
    </p>
  );
}
