import { KeyRoundIcon } from "lucide-react";
import { useId } from "react";
import type { DatasourcePublic } from "@/client/types.gen";
import { FormField } from "@/components/form-field";
import { Alert } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { SSL_MODES, typeInfo } from "./datasource-types";
import { dropsStoredPassword, type FormValues } from "./form-values";

export type FieldsProps = {
  values: FormValues;
  set: (change: Partial<FormValues>) => void;
  /** Server validation messages by field path ("host", "options.path"). */
  errors: Readonly<Record<string, string>>;
};

function ServerFields({ values, set, errors }: FieldsProps) {
  const id = useId();
  const https = values.type === "trino" && values.httpScheme === "https";
  const defaultPort = https ? 443 : typeInfo[values.type].defaultPort;
  return (
    <>
      <FormField id={`${id}-host`} label="Host" error={errors.host} className="sm:col-span-4">
        {(control) => (
          <Input
            {...control}
            required
            autoComplete="off"
            placeholder="db.example.com"
            value={values.host}
            onChange={(event) => set({ host: event.target.value })}
          />
        )}
      </FormField>
      <FormField id={`${id}-port`} label="Port" error={errors.port} className="sm:col-span-2">
        {(control) => (
          <Input
            {...control}
            type="number"
            min={1}
            max={65535}
            placeholder={defaultPort ? String(defaultPort) : undefined}
            value={values.port}
            onChange={(event) => set({ port: event.target.value })}
          />
        )}
      </FormField>
    </>
  );
}

function TargetFields({ values, set, errors }: FieldsProps) {
  const id = useId();
  if (values.type === "trino") {
    return (
      <>
        <FormField
          id={`${id}-catalog`}
          label="Catalog"
          error={errors["options.catalog"]}
          className="sm:col-span-3"
        >
          {(control) => (
            <Input
              {...control}
              autoComplete="off"
              placeholder="hive"
              value={values.catalog}
              onChange={(event) => set({ catalog: event.target.value })}
            />
          )}
        </FormField>
        <FormField
          id={`${id}-schema`}
          label="Schema"
          error={errors["options.schema"]}
          className="sm:col-span-3"
        >
          {(control) => (
            <Input
              {...control}
              autoComplete="off"
              placeholder="default"
              value={values.schema}
              onChange={(event) => set({ schema: event.target.value })}
            />
          )}
        </FormField>
      </>
    );
  }
  return (
    <FormField
      id={`${id}-database`}
      label="Database"
      error={errors.database}
      className="sm:col-span-6"
    >
      {(control) => (
        <Input
          {...control}
          autoComplete="off"
          value={values.database}
          onChange={(event) => set({ database: event.target.value })}
        />
      )}
    </FormField>
  );
}

type CredentialProps = FieldsProps & { source?: DatasourcePublic };

function passwordPlaceholder(
  source: DatasourcePublic | undefined,
  remove: boolean,
  retype: boolean,
): string {
  if (!source) return "";
  if (remove) return "The stored password will be removed";
  if (retype) return "Enter the password again";
  return source.has_password ? "Leave empty to keep the stored password" : "No password stored";
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

/** Why the password must be typed again once the form moves the source elsewhere. */
function RetypePasswordNotice({ id }: { id: string }) {
  return (
    <Alert variant="warning" id={id} className="sm:col-span-6">
      <KeyRoundIcon />
      <p>
        The saved password is only sent to the server it was saved for. Enter the password again, or
        tick “Remove the stored password” to save the source without one.
      </p>
    </Alert>
  );
}

function RemovePassword({ values, set }: Pick<FieldsProps, "values" | "set">) {
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <Checkbox
        id={id}
        checked={values.removePassword}
        onCheckedChange={(state) => set({ removePassword: state === true, password: "" })}
      />
      <Label htmlFor={id} className="text-xs font-normal text-muted-foreground">
        Remove the stored password
      </Label>
    </div>
  );
}

function CredentialFields({ values, set, errors, source }: CredentialProps) {
  const id = useId();
  const retype = dropsStoredPassword(values, source);
  const noticeId = `${id}-retype`;
  const hint = source?.has_password ? <RemovePassword values={values} set={set} /> : undefined;
  return (
    <>
      <FormField
        id={`${id}-user`}
        label="Username"
        error={errors.username}
        className="sm:col-span-3"
      >
        {(control) => (
          <Input
            {...control}
            autoComplete="off"
            value={values.username}
            onChange={(event) => set({ username: event.target.value })}
          />
        )}
      </FormField>
      <FormField
        id={`${id}-password`}
        label="Password"
        hint={hint}
        error={errors.password}
        className="sm:col-span-3"
      >
        {(control) => (
          <Input
            {...control}
            aria-describedby={describedBy(control["aria-describedby"], retype && noticeId)}
            type="password"
            autoComplete="new-password"
            required={retype}
            disabled={values.removePassword}
            placeholder={passwordPlaceholder(source, values.removePassword, retype)}
            value={values.password}
            onChange={(event) => set({ password: event.target.value })}
          />
        )}
      </FormField>
      {retype && <RetypePasswordNotice id={noticeId} />}
    </>
  );
}

function SslModeField({ values, set, errors }: FieldsProps) {
  const id = useId();
  return (
    <FormField
      id={`${id}-sslmode`}
      label="SSL mode"
      error={errors["options.sslmode"]}
      className="sm:col-span-3"
    >
      {(control) => (
        <NativeSelect
          {...control}
          value={values.sslmode}
          onChange={(event) => set({ sslmode: event.target.value })}
        >
          <option value="">Driver default</option>
          {SSL_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {mode}
            </option>
          ))}
        </NativeSelect>
      )}
    </FormField>
  );
}

function HttpSchemeField({ values, set, errors }: FieldsProps) {
  const id = useId();
  return (
    <FormField
      id={`${id}-scheme`}
      label="Protocol"
      hint="Trino accepts a password only over HTTPS."
      error={errors["options.http_scheme"]}
      className="sm:col-span-3"
    >
      {(control) => (
        <NativeSelect
          {...control}
          value={values.httpScheme}
          onChange={(event) => set({ httpScheme: event.target.value })}
        >
          <option value="">HTTP</option>
          <option value="https">HTTPS</option>
        </NativeSelect>
      )}
    </FormField>
  );
}

function SqliteFields({ values, set, errors }: FieldsProps) {
  const id = useId();
  return (
    <FormField
      id={`${id}-path`}
      label="File"
      hint="A file name in the server's SQLite data-source folder, such as demo.db."
      error={errors["options.path"]}
      className="sm:col-span-6"
    >
      {(control) => (
        <Input
          {...control}
          required
          autoComplete="off"
          placeholder="demo.db"
          className="font-mono"
          value={values.path}
          onChange={(event) => set({ path: event.target.value })}
        />
      )}
    </FormField>
  );
}

/** The fields that say where the database is and how to log in, for the chosen type. */
export function ConnectionFields(props: CredentialProps) {
  if (props.values.type === "sqlite") return <SqliteFields {...props} />;
  return (
    <>
      <ServerFields {...props} />
      <TargetFields {...props} />
      <CredentialFields {...props} />
      {props.values.type === "postgres" && <SslModeField {...props} />}
      {props.values.type === "trino" && <HttpSchemeField {...props} />}
    </>
  );
}
