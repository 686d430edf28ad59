import type { MacroPublic } from "@/client/types.gen";
import { cn } from "@/lib/utils";

export type MacroKind = NonNullable<MacroPublic["kind"]>;

const looks: Record<MacroKind, { label: string; tone: string }> = {
  sql: { label: "SQL", tone: "bg-sky-500/12 text-sky-700 dark:text-sky-300" },
  python: { label: "Python", tone: "bg-amber-500/14 text-amber-700 dark:text-amber-300" },
};

export function KindBadge({ kind }: { kind: MacroKind }) {
  const { label, tone } = looks[kind];
  return (
    <span className={cn("inline-flex rounded-md px-2 py-0.5 text-xs font-medium", tone)}>
      {label}
    </span>
  );
}
