import { CheckCircle2Icon, WandSparklesIcon } from "lucide-react";
import type { ControlProps } from "@/components/form-field";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { ClientValueError, parseAttributes } from "./form-values";

type AttributesInputProps = ControlProps & {
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
};

/** Why the text is not a JSON object, or null when it is one. */
export function attributesProblem(text: string): string | null {
  try {
    parseAttributes(text);
    return null;
  } catch (error) {
    return error instanceof ClientValueError ? error.message : "Not valid JSON.";
  }
}

/** A JSON object in a monospace textarea, checked as it is typed, with a Format button. */
export function AttributesInput({ value, onChange, disabled, ...control }: AttributesInputProps) {
  const problem = attributesProblem(value);
  const filled = value.trim() !== "";
  return (
    <div className="space-y-1.5">
      <Textarea
        {...control}
        aria-invalid={problem !== null || control["aria-invalid"] ? true : undefined}
        disabled={disabled}
        rows={4}
        spellCheck={false}
        className="font-mono text-xs leading-relaxed"
        placeholder={'{\n  "tenant": "acme",\n  "region": "eu"\n}'}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <div className="flex min-h-7 items-center justify-between gap-2 text-xs">
        <span
          className={cn(
            "flex items-center gap-1.5",
            problem ? "text-destructive" : "text-muted-foreground",
          )}
        >
          {problem ??
            (filled ? (
              <>
                <CheckCircle2Icon className="size-3.5 text-success" />
                Valid JSON object
              </>
            ) : (
              "Optional."
            ))}
        </span>
        {filled && !problem && !disabled && (
          <Button
            type="button"
            variant="ghost"
            size="sm"
            className="h-7"
            onClick={() => onChange(JSON.stringify(parseAttributes(value), null, 2))}
          >
            <WandSparklesIcon />
            Format
          </Button>
        )}
      </div>
    </div>
  );
}
