import { PageHeader } from "@/components/page-header";
import { useCurrentUser } from "@/lib/session";
import { PasswordCard } from "./password-card";
import { ProfileCard } from "./profile-card";

export function AccountPage() {
  const user = useCurrentUser();
  return (
    <div className="space-y-6">
      <PageHeader title="My account" description={`Signed in as ${user.email}.`} />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ProfileCard user={user} />
        <PasswordCard />
      </div>
    </div>
  );
}
