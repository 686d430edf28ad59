import { Link } from "@tanstack/react-router";
import { CompassIcon } from "lucide-react";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";

export function NotFound() {
  return (
    <div className="mx-auto max-w-xl p-8">
      <EmptyState icon={CompassIcon} title="Page not found">
        <p>There is nothing at this address.</p>
        <Button asChild variant="outline" className="mt-4">
          <Link to="/">Back to the overview</Link>
        </Button>
      </EmptyState>
    </div>
  );
}
