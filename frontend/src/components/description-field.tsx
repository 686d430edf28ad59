import { FormField } from "@/components/form-field";
import { Textarea } from "@/components/ui/textarea";

type DescriptionFieldProps = {
  id: string;
  /** A server validation message for the description. */
  error?: string;
  rows: number;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
};

/** The "Description" field of a form: free text of at most 1000 characters. */
export function DescriptionField({
  id,
  error,
  rows,
  placeholder,
  value,
  onChange,
}: DescriptionFieldProps) {
  return (
    <FormField id={id} label="Description" error={error}>
      {(control) => (
        <Textarea
          {...control}
          rows={rows}
          maxLength={1000}
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FormField>
  );
}
