import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";
import { type DatasourceType, typeInfo } from "./datasource-types";

/** The type's icon on a tinted tile; `size` "lg" for the type picker. */
export function TypeIcon({ type, size = "sm" }: { type: DatasourceType; size?: "sm" | "lg" }) {
  const { icon: Icon, tone } = typeInfo[type];
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex shrink-0 items-center justify-center",
        size === "sm"
          ? "size-5 rounded-[5px] [&_svg]:size-3"
          : "size-9 rounded-lg [&_svg]:size-4.5",
        tone,
      )}
    >
      <Icon />
    </span>
  );
}

export function DatasourceTypeBadge({ type }: { type: DatasourceType }) {
  return (
    <Badge variant="outline" className="gap-1.5 py-0.5 pr-2 pl-0.5 font-normal">
      <TypeIcon type={type} />
      {typeInfo[type].label}
    </Badge>
  );
}
