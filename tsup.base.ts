import type { Options } from "tsup";

/** The build every Hearth package shares: ESM + CJS + .d.ts for Node 20, with source maps. */
export const packageBuild: Options = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Entries of one package share code through chunks in CommonJS too (ESM always does):
  // otherwise index.cjs and internal.cjs (or client.cjs) would each carry their own copy of a
  // class such as HearthValidationError, and `instanceof` would fail across entries.
  splitting: true,
  // Classes keep their names when the bundler renames a binding to avoid a clash (a component
  // named like a provider resource it wraps, `Replication`, became `Replication2`): Pulumi's
  // component provider host finds each component's source declaration by the class's `name`
  // (@pulumi/pulumi provider/experimental), so a renamed class fails the YAML plugin's schema.
  keepNames: true,
};
