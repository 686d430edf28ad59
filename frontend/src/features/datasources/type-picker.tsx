import { RadioGroup } from "radix-ui";
import { TypeIcon } from "./datasource-type-badge";
import { DATASOURCE_TYPES, type DatasourceType, typeInfo } from "./datasource-types";

type TypePickerProps = { value: DatasourceType; onChange: (type: DatasourceType) => void };

/** The four kinds of database as cards, one to pick. */
export function TypePicker({ value, onChange }: TypePickerProps) {
  return (
    <RadioGroup.Root
      aria-label="Type"
      value={value}
      onValueChange={(next) => onChange(next as DatasourceType)}
      className="grid grid-cols-2 gap-3 md:grid-cols-4"
    >
      {DATASOURCE_TYPES.map((type) => (
        <RadioGroup.Item
          key={type}
          value={type}
          className="flex items-center gap-3 rounded-lg border bg-card p-3 text-left shadow-xs transition-colors outline-none hover:bg-accent/50 focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-60 data-[state=checked]:border-primary data-[state=checked]:bg-accent/60 data-[state=checked]:ring-1 data-[state=checked]:ring-primary"
        >
          <TypeIcon type={type} size="lg" />
          <span className="min-w-0">
            <span className="block text-sm font-medium">{typeInfo[type].label}</span>
            <span className="block truncate text-xs text-muted-foreground">
              {typeInfo[type].hint}
            </span>
          </span>
        </RadioGroup.Item>
      ))}
    </RadioGroup.Root>
  );
}
