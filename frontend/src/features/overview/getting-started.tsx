import { Link, type LinkProps } from "@tanstack/react-router";
import { ArrowRightIcon, CheckCircle2Icon, CircleIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/lib/utils";
import type { Overview } from "./overview-data";

type Step = { label: string; hint: string; done: boolean; to: LinkProps["to"]; action: string };

/** The five steps from an empty store to a first call, each done or not from real state. */
export function setupSteps({ counts, setup }: Overview): Step[] {
  return [
    {
      label: "Add a data source",
      hint: "The database your APIs read and write.",
      done: counts.datasources > 0,
      to: "/datasources/new",
      action: "Add",
    },
    {
      label: "Create an API",
      hint: "An SQL template or a script on that source.",
      done: counts.apis > 0,
      to: "/apis/new",
      action: "Create",
    },
    {
      label: "Publish it",
      hint: "Publishing makes the API answer at /module/path.",
      done: counts.published_apis > 0,
      to: "/apis",
      action: "Open APIs",
    },
    {
      label: "Create a client",
      hint: "A client id and secret, exchanged for a token to call private APIs.",
      done: counts.clients > 0,
      to: "/clients",
      action: "Open clients",
    },
    {
      label: "Make a call",
      hint: "Call a published API through the gateway; it is counted here.",
      done: setup.hasCalls,
      to: "/versions",
      action: "Published APIs",
    },
  ];
}

/** A checklist on the overview until every step is done; then it is gone. */
export function GettingStarted({ overview }: { overview: Overview }) {
  const steps = setupSteps(overview);
  const done = steps.filter((step) => step.done).length;
  if (done === steps.length) return null;
  return (
    <Card>
      <CardHeader className="pb-3">
        <CardTitle>Getting started</CardTitle>
        <CardDescription>
          {done} of {steps.length} done. Each step ticks itself off when it is done.
        </CardDescription>
      </CardHeader>
      <CardContent className="px-0 pb-2">
        <ol aria-label="Getting started" className="divide-y border-t">
          {steps.map((step) => (
            <li
              key={step.label}
              aria-label={`${step.label}: ${step.done ? "done" : "to do"}`}
              className="flex items-center gap-3 px-6 py-3"
            >
              {step.done ? (
                <CheckCircle2Icon className="size-5 shrink-0 text-primary" aria-hidden />
              ) : (
                <CircleIcon className="size-5 shrink-0 text-muted-foreground" aria-hidden />
              )}
              <span className="min-w-0 flex-1">
                <span
                  className={cn(
                    "block text-sm font-medium",
                    step.done && "text-muted-foreground line-through",
                  )}
                >
                  {step.label}
                </span>
                <span className="block text-xs text-muted-foreground">{step.hint}</span>
              </span>
              {!step.done && (
                <Button variant="outline" size="sm" asChild>
                  <Link to={step.to}>
                    {step.action}
                    <ArrowRightIcon />
                  </Link>
                </Button>
              )}
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}
