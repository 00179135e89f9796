import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The engine end-to-end suite: the real pulumi CLI and provider plugins against @hearth/sandbox.
// Not part of the root suite (its files end in .e2e.ts); run it once the toolchain is built:
//   npm run build && npx vitest run -c test/e2e/vitest.config.mts
const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  resolve: {
    alias: { "@hearth/sandbox": fileURLToPath(new URL("../../packages/sandbox/src/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
