import { WavesIcon } from "lucide-react";
import { cn } from "@/lib/utils";

export function SluiceLogo({ className }: { className?: string }) {
  return (
    <div className={cn("flex items-center gap-2.5", className)}>
      <div className="flex size-8 items-center justify-center rounded-lg bg-primary text-primary-foreground shadow-sm">
        <WavesIcon className="size-4.5" />
      </div>
      <span className="text-lg font-semibold tracking-tight">Sluice</span>
    </div>
  );
}
