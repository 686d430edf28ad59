import "@fontsource-variable/inter";
import "./styles.css";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createRouter, RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiError, configureApiClient } from "@/lib/api";
import { initTheme } from "@/lib/theme";
import { routeTree } from "./routeTree.gen";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // Retry only when no answer came (a network error). An answer from the server, a
      // 4xx or a 5xx such as a data source's 503, was given at once and would be given
      // again: show it now rather than skeletons through the retries.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError),
    },
  },
});

const router = createRouter({
  routeTree,
  basepath: "/ui",
  context: { queryClient },
  defaultPreload: "intent",
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

configureApiClient(() => {
  queryClient.clear();
  void router.navigate({ to: "/login", search: { redirect: router.state.location.href } });
});
initTheme();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
