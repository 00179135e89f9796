#!/usr/bin/env node
// Launcher for `pulumi preview --policy-pack <dir>/policy-pack.cjs`: the Hearth policy pack as an
// executable analyzer plugin, for CLIs whose Node.js language host cannot start a pack directory.
//
// The Pulumi CLI (3.259, the version built here) launches a FILE given as --policy-pack directly, with the engine's address as
// its only argument, the program directory as working directory, and the CLI's own environment
// (pulumi/pulumi pkg/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer: the `!stat.IsDir()`
// branch). @pulumi/pulumi ships the Node.js pack runner, `cmd/run-policy-pack`
// (usage: `<engine-address> <program>`), which loads <program> (this directory: its package.json
// `main` is pack.cjs) and whose `new PolicyPack(...)` prints the gRPC port on stdout for the CLI.
// So this file only hands the runner the engine address and this directory. It must print nothing
// on stdout itself: the first line there is the plugin's port.
"use strict";

const engineAddress = process.argv[2];
if (!engineAddress || process.argv.length > 3) {
  process.stderr.write(
    "usage: policy-pack.cjs <engine-address>\n" +
      "Started by the Pulumi CLI: pulumi preview --policy-pack <path to this file>\n",
  );
  process.exit(2);
}

let runner;
try {
  // The @pulumi/pulumi that @pulumi/policy resolves from here, so the pack and the runner share one SDK.
  runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [__dirname] });
} catch {
  process.stderr.write(
    `@hearth/policy: cannot find @pulumi/pulumi from ${__dirname}; install @pulumi/pulumi (>=3.255) next to @hearth/policy\n`,
  );
  process.exit(1);
}

// The CLI starts a file plugin in the program's directory, but the PolicyPack reads its version from
// package.json in the working directory (@pulumi/policy policy.js), as the language host arranges
// for a pack directory: so work in this directory.
process.chdir(__dirname);
// run-policy-pack reads its arguments from process.argv when it is loaded.
process.argv = [process.argv[0], runner, engineAddress, __dirname];
require(runner);
