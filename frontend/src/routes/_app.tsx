import { createFileRoute } from "@tanstack/react-router";
import { requireSession } from "@/features/auth/require-session";
import { AppLayout } from "@/features/layout/app-layout";

export const Route = createFileRoute("/_app")({
  beforeLoad: ({ context, location }) => requireSession(context.queryClient, location.href),
  component: AppLayout,
});
