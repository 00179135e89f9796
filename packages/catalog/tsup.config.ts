import { defineConfig } from "tsup";

export default defineConfig({
  // `client` is a second entry so "@hearth/catalog/client" loads without the Pulumi SDK.
  entry: ["src/index.ts", "src/client.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
