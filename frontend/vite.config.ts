import { fileURLToPath, URL } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";

// During `npm run dev`, API calls go to a backend started separately
// (`sluice serve`, port 8000 by default).
const backendUrl = process.env.SLUICE_BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/ui/",
  plugins: [
    tanstackRouter({ target: "react", autoCodeSplitting: true }),
    react(),
    tailwindcss(),
    // A .gz and a .br twin of each script and style sheet, made once here: the backend
    // (sluice/ui.py) sends the one the browser accepts and never compresses per request.
    compression({ algorithms: ["gzip", "brotliCompress"] }),
  ],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    proxy: {
      "/api": backendUrl,
      "/health": backendUrl,
    },
  },
});
