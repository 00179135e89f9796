import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig({
  ...packageBuild,
  // `gateway` is a second entry so "@hearth/core/gateway" loads without the Pulumi SDK.
  entry: ["src/index.ts", "src/gateway.ts"],
});
