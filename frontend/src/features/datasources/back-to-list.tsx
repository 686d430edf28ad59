import { Link } from "@tanstack/react-router";
import { ArrowLeftIcon } from "lucide-react";

export function BackToList() {
  return (
    <Link
      to="/datasources"
      className="inline-flex items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeftIcon className="size-4" />
      Data sources
    </Link>
  );
}
