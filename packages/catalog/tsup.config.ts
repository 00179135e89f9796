import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig({
  ...packageBuild,
  // `client` is a second entry so "@hearth/catalog/client" loads without the Pulumi SDK.
  entry: ["src/index.ts", "src/client.ts"],
});
