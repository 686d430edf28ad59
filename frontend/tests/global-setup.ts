import { execFileSync } from "node:child_process";
import { postgres, postgresTable } from "./e2e-settings";

/** Give the data source journey a table to find in its PostgreSQL database. */
export default function globalSetup(): void {
  const sql = `SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS public.${postgresTable} (
    id serial PRIMARY KEY,
    customer text NOT NULL,
    total numeric(10, 2),
    placed_at timestamptz NOT NULL DEFAULT now()
  )`;
  const { host, port, user, database } = postgres;
  execFileSync(
    "psql",
    [
      "-h",
      host,
      "-p",
      String(port),
      "-U",
      user,
      "-d",
      database,
      "-v",
      "ON_ERROR_STOP=1",
      "-q",
      "-c",
      sql,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}
