import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { PlusIcon, SquareFunctionIcon } from "lucide-react";
import { useState } from "react";
import { macrosReadMacrosOptions } from "@/client/@tanstack/react-query.gen";
import type { MacroPublic } from "@/client/types.gen";
import { EmptyState } from "@/components/empty-state";
import { ErrorAlert } from "@/components/error-alert";
import { FilterSelect, ListSearch, NoMatches } from "@/components/list-search";
import { PageHeader } from "@/components/page-header";
import { Pagination } from "@/components/pagination";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { can } from "@/lib/permissions";
import { isFiltered, oneOf } from "@/lib/search-params";
import { useCurrentUser } from "@/lib/session";
import { DeleteMacroDialog } from "./delete-macro-dialog";
import { MacrosTable } from "./macros-table";
import { useModules } from "./use-modules";

const PAGE_SIZE = 20;

/** The list's search and filters, as the URL holds them. */
export type MacrosSearch = {
  q?: string;
  kind?: "sql" | "python";
};

type MacrosPageProps = {
  page: number;
  search: MacrosSearch;
  onPageChange: (page: number) => void;
  /** A new search or filter (the page goes back to the first). */
  onSearchChange: (change: Partial<MacrosSearch>) => void;
};

function NewMacroButton() {
  return (
    <Button asChild>
      <Link to="/macros/new">
        <PlusIcon />
        New macro
      </Link>
    </Button>
  );
}

function NoMacros({
  page,
  mayWrite,
  onPageChange,
}: Pick<MacrosPageProps, "page" | "onPageChange"> & { mayWrite: boolean }) {
  if (page > 1) {
    return (
      <EmptyState icon={SquareFunctionIcon} title="No macros on this page">
        <Button variant="link" onClick={() => onPageChange(1)}>
          Go to the first page
        </Button>
      </EmptyState>
    );
  }
  return (
    <EmptyState icon={SquareFunctionIcon} title="No macros yet">
      <p>
        A macro is SQL or Python that many APIs share: write it once, publish it, and import it in a
        template.
      </p>
      {mayWrite && (
        <div className="mt-4">
          <NewMacroButton />
        </div>
      )}
    </EmptyState>
  );
}

export function MacrosPage({ page, search, onPageChange, onSearchChange }: MacrosPageProps) {
  const mayWrite = can(useCurrentUser(), "macro", "write");
  const macros = useQuery({
    ...macrosReadMacrosOptions({
      query: { q: search.q, kind: search.kind, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    }),
    placeholderData: keepPreviousData,
  });
  const searching = page === 1 && isFiltered(search);
  const modules = useModules();
  const [deleting, setDeleting] = useState<MacroPublic | null>(null);

  return (
    <div className="space-y-6">
      <PageHeader
        title="Macros"
        description="Reusable SQL and Python that templates import by name."
        actions={mayWrite && <NewMacroButton />}
      />
      <ListSearch noun="macros" value={search.q} onChange={(q) => onSearchChange({ q })}>
        <FilterSelect
          label="Kind"
          anyLabel="SQL or Python"
          value={search.kind}
          options={[
            ["sql", "SQL"],
            ["python", "Python"],
          ]}
          onChange={(value) => onSearchChange({ kind: oneOf(["sql", "python"], value) })}
        />
      </ListSearch>
      {macros.isError && <ErrorAlert error={macros.error} />}
      {macros.isPending && !macros.isError && (
        <Card className="space-y-3 p-6">
          <Skeleton className="h-5 w-1/3" />
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-full" />
        </Card>
      )}
      {macros.data && macros.data.data.length === 0 && searching && (
        <NoMatches
          noun="macros"
          q={search.q}
          onClear={() => onSearchChange({ q: undefined, kind: undefined })}
        />
      )}
      {macros.data && macros.data.data.length === 0 && !searching && (
        <NoMacros page={page} mayWrite={mayWrite} onPageChange={onPageChange} />
      )}
      {macros.data && macros.data.data.length > 0 && (
        <Card className="overflow-hidden">
          <MacrosTable
            macros={macros.data.data}
            modules={modules}
            onDelete={mayWrite ? setDeleting : undefined}
          />
          {macros.data.count > PAGE_SIZE && (
            <div className="border-t px-4 py-3">
              <Pagination
                page={page}
                pageSize={PAGE_SIZE}
                total={macros.data.count}
                onPageChange={onPageChange}
              />
            </div>
          )}
        </Card>
      )}
      <DeleteMacroDialog macro={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}
