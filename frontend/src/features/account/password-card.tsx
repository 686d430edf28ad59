import { useMutation } from "@tanstack/react-query";
import { AlertCircleIcon, CheckCircle2Icon, LoaderCircleIcon } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { usersUpdatePasswordMeMutation } from "@/client/@tanstack/react-query.gen";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { errorMessage } from "@/lib/api";

const EMPTY = { current: "", next: "", confirm: "" };

export function PasswordCard() {
  const [values, setValues] = useState(EMPTY);
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    ...usersUpdatePasswordMeMutation(),
    onSuccess: () => setValues(EMPTY),
  });
  const ids = { current: useId(), next: useId(), confirm: useId() };

  function edit(field: keyof typeof EMPTY, value: string) {
    setValues((old) => ({ ...old, [field]: value }));
    setMismatch(false);
    change.reset();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (values.next !== values.confirm) {
      setMismatch(true);
      return;
    }
    change.mutate({ body: { current_password: values.current, new_password: values.next } });
  }

  const error = mismatch
    ? "The new passwords do not match."
    : change.isError && errorMessage(change.error);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Password</CardTitle>
        <CardDescription>Choose a new password of at least 8 characters.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid gap-4" onSubmit={submit}>
          {error && (
            <Alert variant="destructive">
              <AlertCircleIcon />
              <span>{error}</span>
            </Alert>
          )}
          {change.isSuccess && (
            <Alert variant="success">
              <CheckCircle2Icon />
              <span>Your password is changed.</span>
            </Alert>
          )}
          <div className="space-y-2">
            <Label htmlFor={ids.current}>Current password</Label>
            <Input
              id={ids.current}
              type="password"
              autoComplete="current-password"
              required
              value={values.current}
              onChange={(event) => edit("current", event.target.value)}
            />
          </div>
          <div className="space-y-2">
            <Label htmlFor={ids.next}>New password</Label>
            <Input
              id={ids.next}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={values.next}
              onChange={(event) => edit("next", event.target.value)}
            />
          </div>
          <div className="space-y-2">
            <Label htmlFor={ids.confirm}>Confirm new password</Label>
            <Input
              id={ids.confirm}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={values.confirm}
              onChange={(event) => edit("confirm", event.target.value)}
            />
          </div>
          <div>
            <Button type="submit" disabled={change.isPending}>
              {change.isPending && <LoaderCircleIcon className="animate-spin" />}
              Change password
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
