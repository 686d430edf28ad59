import { XIcon } from "lucide-react";
import { type KeyboardEvent, useState } from "react";
import type { ControlProps } from "@/components/form-field";
import { Badge } from "@/components/ui/badge";
import { Input } from "@/components/ui/input";
import { splitAddresses } from "./form-values";

type AddressInputProps = ControlProps & {
  value: string[];
  onChange: (value: string[]) => void;
  disabled?: boolean;
};

/**
 * IP addresses and CIDR ranges as tags: type one and press Enter or a comma, or paste a
 * list. The server checks each one when the form is saved.
 */
export function AddressInput({ value, onChange, disabled, ...control }: AddressInputProps) {
  const [text, setText] = useState("");

  function commit(raw: string) {
    const added = splitAddresses(raw).filter((address) => !value.includes(address));
    if (added.length > 0) onChange([...value, ...added]);
    setText("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commit(text);
    } else if (event.key === "Backspace" && text === "" && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  }

  return (
    <div className="space-y-2">
      <Input
        {...control}
        disabled={disabled}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        placeholder="203.0.113.7, 10.0.0.0/8"
        value={text}
        onChange={(event) => {
          const next = event.target.value;
          if (/[\s,;]$/.test(next) && next.trim() !== "") commit(next);
          else setText(next);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => text.trim() && commit(text)}
      />
      {value.length > 0 && (
        <ul className="flex flex-wrap gap-1.5" aria-label="Allowed addresses">
          {value.map((address) => (
            <li key={address}>
              <Badge variant="secondary" className="gap-1 py-1 pr-1 font-mono font-normal">
                {address}
                {!disabled && (
                  <button
                    type="button"
                    aria-label={`Remove ${address}`}
                    className="rounded-sm p-0.5 text-muted-foreground hover:bg-background hover:text-foreground"
                    onClick={() => onChange(value.filter((item) => item !== address))}
                  >
                    <XIcon />
                  </button>
                )}
              </Badge>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
