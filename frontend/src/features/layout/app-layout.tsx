import { Link, Outlet } from "@tanstack/react-router";
import { SluiceLogo } from "@/components/sluice-logo";
import { ThemeToggle } from "@/components/theme-toggle";
import { MobileNav } from "./mobile-nav";
import { SidebarNav } from "./sidebar-nav";
import { UserMenu } from "./user-menu";

/** The frame of every authenticated page: sidebar, header, and the page itself. */
export function AppLayout() {
  return (
    <div className="flex min-h-svh">
      {/* The first thing Tab reaches: past the sidebar and header to the page itself. */}
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 hidden h-svh w-64 shrink-0 flex-col gap-6 overflow-y-auto border-r bg-sidebar px-3 py-4 md:flex">
        <Link to="/" className="px-3">
          <SluiceLogo />
        </Link>
        <SidebarNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/85 px-4 backdrop-blur md:px-8">
          <MobileNav />
          <div className="flex-1" />
          <ThemeToggle />
          <UserMenu />
        </header>
        <main
          id="main"
          tabIndex={-1}
          className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 outline-none md:px-8"
        >
          <Outlet />
        </main>
      </div>
    </div>
  );
}
