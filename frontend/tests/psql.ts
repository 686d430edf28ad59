import { execFileSync } from "node:child_process";
import { postgres } from "./e2e-settings";

/** Run SQL on the journeys' PostgreSQL database with `psql`, stopping at the first error. */
export function psql(sql: string): void {
  const { host, port, user, database } = postgres;
  execFileSync(
    "psql",
    ["-h", host, "-p", String(port), "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1"].concat([
      "-q",
      "-c",
      `SET client_min_messages = warning; ${sql}`,
    ]),
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}
