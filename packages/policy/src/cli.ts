#!/usr/bin/env node
// hearth-policy-config: writes the --policy-pack-config file for one stack.
//
//   pulumi stack export --stack home > state.json
//   pulumi config --json --stack home > config.json
//   hearth-policy-config --settings policy/home.json --state state.json --config config.json > policy-config.json
//   pulumi preview --stack home --policy-pack node_modules/@hearth/policy/dist --policy-pack-config policy-config.json
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { hearthPolicies } from "./policies/index.js";
import { buildPolicyConfig, type StackPolicySettings } from "./settings.js";

function readJson(path: string): unknown {
  const text = readFileSync(path === "-" ? 0 : path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path === "-" ? "stdin" : path} is not JSON: ${(e as Error).message}`);
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      settings: { type: "string" },
      state: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || !values.settings) {
    process.stderr.write(
      "usage: hearth-policy-config --settings <stack settings.json> [--state <pulumi stack export>] [--config <pulumi config --json>] [--out <file>]\n" +
        "  Use - to read a file from stdin. Without --state the pack cannot see deletes or replaces.\n",
    );
    process.exit(values.help ? 0 : 2);
  }
  const config = buildPolicyConfig(hearthPolicies, {
    settings: readJson(values.settings) as StackPolicySettings,
    ...(values.state ? { stateExport: readJson(values.state) } : {}),
    ...(values.config ? { pulumiConfig: readJson(values.config) } : {}),
  });
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
}

try {
  main();
} catch (e) {
  process.stderr.write(`hearth-policy-config: ${(e as Error).message}\n`);
  process.exit(1);
}
