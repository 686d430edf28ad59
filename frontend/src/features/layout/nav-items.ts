import type { LinkProps } from "@tanstack/react-router";
import {
  BellIcon,
  BlocksIcon,
  BracesIcon,
  DatabaseIcon,
  FileCode2Icon,
  HistoryIcon,
  KeyRoundIcon,
  LayoutDashboardIcon,
  type LucideIcon,
  ScrollTextIcon,
  ShieldCheckIcon,
  SquareFunctionIcon,
  UsersIcon,
  UsersRoundIcon,
} from "lucide-react";
import type { Resource } from "@/lib/permissions";

export type NavItem = {
  label: string;
  to: LinkProps["to"];
  icon: LucideIcon;
  /** Shown only to users who may read this resource. */
  resource?: Resource;
};

export type NavSection = { label: string; items: NavItem[] };

export const navSections: NavSection[] = [
  {
    label: "Build",
    items: [
      { label: "Overview", to: "/", icon: LayoutDashboardIcon },
      { label: "Data sources", to: "/datasources", icon: DatabaseIcon, resource: "datasource" },
      { label: "Modules", to: "/modules", icon: BlocksIcon, resource: "module" },
      { label: "APIs", to: "/apis", icon: BracesIcon, resource: "api" },
      { label: "Macros", to: "/macros", icon: SquareFunctionIcon, resource: "macro" },
      { label: "Versions", to: "/versions", icon: HistoryIcon, resource: "api" },
      { label: "Definitions", to: "/definitions", icon: FileCode2Icon, resource: "module" },
    ],
  },
  {
    label: "Access",
    items: [
      { label: "Groups", to: "/groups", icon: UsersRoundIcon, resource: "group" },
      { label: "Clients", to: "/clients", icon: KeyRoundIcon, resource: "client" },
      { label: "Access logs", to: "/access-logs", icon: ScrollTextIcon, resource: "access_log" },
      { label: "Alerts", to: "/alerts", icon: BellIcon, resource: "alert" },
    ],
  },
  {
    label: "Administration",
    items: [
      { label: "Users", to: "/users", icon: UsersIcon, resource: "user" },
      { label: "Roles", to: "/roles", icon: ShieldCheckIcon, resource: "role" },
    ],
  },
];
