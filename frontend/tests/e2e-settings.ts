/** Values shared by the Playwright config (which starts the backend) and the tests. */
export const superuser = {
  email: "admin@example.com",
  password: "e2e-Superuser-pass-1",
};

/** The backend's key: the tour journey runs `sluice demo` on the same store with it. */
export const secretKey = "e2e-only-secret-key-0123456789abcdef0123456789abcdef";

export const backendPort = Number(process.env.SLUICE_E2E_PORT ?? 8765);

/**
 * A PostgreSQL server the data source journey connects to, with trust authentication
 * (local development and CI both have one); the global set-up creates `postgresTable`.
 */
export const postgres = {
  host: process.env.SLUICE_E2E_PG_HOST ?? "127.0.0.1",
  port: Number(process.env.SLUICE_E2E_PG_PORT ?? 5432),
  database: process.env.SLUICE_E2E_PG_DATABASE ?? "test",
  user: process.env.SLUICE_E2E_PG_USER ?? "postgres",
};

export const postgresTable = "sluice_e2e_orders";
