import { postgresTable } from "./e2e-settings";
import { psql } from "./psql";

/**
 * Give the data source journey a table to find in its PostgreSQL database, and the API
 * journey a few rows to query.
 */
export default function globalSetup(): void {
  psql(`CREATE TABLE IF NOT EXISTS public.${postgresTable} (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    total numeric(10, 2),
    placed_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO public.${postgresTable} (customer, total)
  SELECT customer, total FROM (VALUES ('Ada', 12.50), ('Grace', 40.00), ('Linus', 7.25)) AS v (customer, total)
  WHERE NOT EXISTS (SELECT 1 FROM public.${postgresTable})`);
}
