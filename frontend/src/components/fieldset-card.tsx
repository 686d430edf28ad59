import type { ReactNode } from "react";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

type FieldsetCardProps = {
  title: string;
  /** Read-only: every field in the card is disabled. */
  disabled: boolean;
  children: ReactNode;
};

/** A card with a small title over a column of form fields. */
export function FieldsetCard({ title, disabled, children }: FieldsetCardProps) {
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle className="text-sm">{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <fieldset disabled={disabled} className="grid min-w-0 gap-4">
          {children}
        </fieldset>
      </CardContent>
    </Card>
  );
}
