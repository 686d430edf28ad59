import type { ComponentProps } from "react";
import type { ApiPublic } from "@/client/types.gen";
import { NativeSelect } from "@/components/ui/native-select";

export type Access = NonNullable<ApiPublic["access"]>;

type AccessSelectProps = Omit<ComponentProps<"select">, "value" | "onChange"> & {
  value: Access;
  onChange: (access: Access) => void;
};

/** Who may call an API: clients granted it (private) or anyone (public). */
export function AccessSelect({ value, onChange, ...props }: AccessSelectProps) {
  return (
    <NativeSelect
      {...props}
      value={value}
      onChange={(event) => onChange(event.target.value as Access)}
    >
      <option value="private">Private</option>
      <option value="public">Public</option>
    </NativeSelect>
  );
}
