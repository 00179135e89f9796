import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("./", import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; the engine tests use the built dist through the stacks.
    alias: [
      { find: /^@hearth\/catalog\/client$/, replacement: `${root}packages/catalog/src/client.ts` },
      { find: /^@hearth\/([a-z]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
