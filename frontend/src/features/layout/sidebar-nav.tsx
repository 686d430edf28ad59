import { Link } from "@tanstack/react-router";
import { BookOpenIcon } from "lucide-react";
import { gatewayDocsUrl } from "@/lib/gateway-docs";
import { can } from "@/lib/permissions";
import { useCurrentUser } from "@/lib/session";
import { type NavItem, navSections } from "./nav-items";

const navLinkClass =
  "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground data-[status=active]:bg-accent data-[status=active]:text-accent-foreground";

function NavLink({ item, onNavigate }: { item: NavItem; onNavigate?: () => void }) {
  const Icon = item.icon;
  return (
    <Link
      to={item.to}
      onClick={onNavigate}
      activeOptions={{ exact: item.to === "/" }}
      className={navLinkClass}
    >
      <Icon className="size-4" />
      {item.label}
    </Link>
  );
}

/** The sections of the dashboard, without those the user may not read. */
export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  const user = useCurrentUser();
  const visible = (item: NavItem) => !item.resource || can(user, item.resource, "read");
  return (
    <nav aria-label="Main" className="flex flex-col gap-6">
      {navSections.map((section) => {
        const items = section.items.filter(visible);
        if (items.length === 0) return null;
        return (
          <div key={section.label} className="flex flex-col gap-1">
            <h2 className="px-3 pb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
              {section.label}
            </h2>
            {items.map((item) => (
              <NavLink key={item.label} item={item} onNavigate={onNavigate} />
            ))}
          </div>
        );
      })}
      <div className="flex flex-col gap-1">
        <h2 className="px-3 pb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          Help
        </h2>
        <a href={gatewayDocsUrl} target="_blank" rel="noreferrer" className={navLinkClass}>
          <BookOpenIcon className="size-4" />
          Gateway API docs
        </a>
      </div>
    </nav>
  );
}
