import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import { Button } from "@/components/ui/button";

type PaginationProps = {
  page: number;
  pageSize: number;
  total: number;
  /** More match than `total` says (the server stopped counting): shown as "10000+". */
  capped?: boolean;
  onPageChange: (page: number) => void;
};

/** "Showing 11–20 of 42" with previous and next buttons; pages count from 1. */
export function Pagination({ page, pageSize, total, capped, onPageChange }: PaginationProps) {
  const more = capped ? "+" : "";
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, total);
  return (
    <div className="flex items-center justify-between gap-4 text-sm text-muted-foreground">
      <span>{total === 0 ? "No results" : `Showing ${first}–${last} of ${total}${more}`}</span>
      <div className="flex items-center gap-2">
        <span className="hidden sm:inline">
          Page {page} of {pageCount}
          {more}
        </span>
        <Button
          variant="outline"
          size="icon-sm"
          aria-label="Previous page"
          disabled={page <= 1}
          onClick={() => onPageChange(page - 1)}
        >
          <ChevronLeftIcon />
        </Button>
        <Button
          variant="outline"
          size="icon-sm"
          aria-label="Next page"
          disabled={page >= pageCount}
          onClick={() => onPageChange(page + 1)}
        >
          <ChevronRightIcon />
        </Button>
      </div>
    </div>
  );
}
