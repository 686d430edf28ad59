import { GlobeIcon, LockIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { Access } from "./api-types";

export function AccessBadge({ access }: { access: Access }) {
  return access === "public" ? (
    <Badge variant="outline" className="font-normal">
      <GlobeIcon />
      Public
    </Badge>
  ) : (
    <Badge variant="outline" className="font-normal text-muted-foreground">
      <LockIcon />
      Private
    </Badge>
  );
}
