/** Values shared by the Playwright config (which starts the backend) and the tests. */
export const superuser = {
  email: "admin@example.com",
  password: "e2e-Superuser-pass-1",
};

export const backendPort = Number(process.env.SLUICE_E2E_PORT ?? 8765);
