import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2Icon, LoaderCircleIcon } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import {
  usersReadUserMeQueryKey,
  usersUpdateUserMeMutation,
} from "@/client/@tanstack/react-query.gen";
import type { UserPublic } from "@/client/types.gen";
import { ErrorAlert } from "@/components/error-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export function ProfileCard({ user }: { user: UserPublic }) {
  const [fullName, setFullName] = useState(user.full_name ?? "");
  const queryClient = useQueryClient();
  const save = useMutation({
    ...usersUpdateUserMeMutation(),
    onSuccess: (updated) => queryClient.setQueryData(usersReadUserMeQueryKey(), updated),
  });
  const ids = { email: useId(), name: useId() };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ body: { full_name: fullName.trim() || null } });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
        <CardDescription>How you appear to other users of this dashboard.</CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid gap-4" onSubmit={submit}>
          {save.isError && <ErrorAlert error={save.error} />}
          {save.isSuccess && (
            <Alert variant="success">
              <CheckCircle2Icon />
              <span>Your name is saved.</span>
            </Alert>
          )}
          <div className="space-y-2">
            <Label htmlFor={ids.email}>Email</Label>
            <Input id={ids.email} value={user.email} disabled readOnly />
          </div>
          <div className="space-y-2">
            <Label htmlFor={ids.name}>Full name</Label>
            <Input
              id={ids.name}
              autoComplete="name"
              value={fullName}
              onChange={(event) => {
                setFullName(event.target.value);
                save.reset();
              }}
            />
          </div>
          <div>
            <Button type="submit" disabled={save.isPending}>
              {save.isPending && <LoaderCircleIcon className="animate-spin" />}
              Save name
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
