import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig({
  ...packageBuild,
  // `testing` is a second entry: "@hearth/kit/testing" is for tests only and never loads with the package.
  entry: ["src/index.ts", "src/testing.ts"],
});
