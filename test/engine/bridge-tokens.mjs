#!/usr/bin/env node
// Compares a generated Pulumi package schema (the schema.json that scripts/bridge/<name>'s tfgen
// writes) with the npm SDK that programs load: every resource token (`__pulumiType`), every function
// token (`invoke("...")`), and for each resource the input names, the state names and the required
// inputs, read from the SDK's compiled JS constructors. A bridged provider whose names differ from
// the SDK's would plan resources the SDK never sends, or reject the ones it does.
//
//   node test/engine/bridge-tokens.mjs --schema DIR/schema.json --sdk node_modules/@pulumi/hcloud \
//     [--must Server,PrimaryIp,...] [--quiet]
//
// --must: resources (class names, or full tokens) that must match exactly; exit status 1 if one
// does not. Without --must every difference counts. Prints a summary either way. See docs/engine.md.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const schemaPath = opt("--schema");
const sdkDir = opt("--sdk");
const must = (opt("--must") ?? "").split(",").filter(Boolean);
const quiet = args.includes("--quiet");
if (!schemaPath || !sdkDir) {
  console.error("usage: bridge-tokens.mjs --schema schema.json --sdk node_modules/<pkg> [--must A,B] [--quiet]");
  process.exit(2);
}

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));

// The SDK side, from the compiled JS (the .d.ts has the same names; the JS is simpler to read).
function* jsFiles(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== "types" && e !== "node_modules") yield* jsFiles(p);
    } else if (e.endsWith(".js")) yield p;
  }
}
const sdkResources = new Map(); // token -> { file, inputs:Set, state:Set, required:Set }
const sdkFunctions = new Map(); // token -> file
let sdkProvider; // the provider's input names (provider.js: __pulumiType = '<package>')
for (const file of jsFiles(sdkDir)) {
  const src = readFileSync(file, "utf8");
  const rel = relative(sdkDir, file);
  const t = /__pulumiType = '([^']+)'/.exec(src);
  if (t && t[1].includes(":")) {
    const ctor = src.slice(src.indexOf("constructor(name, argsOrState, opts)"));
    const stateBlock = ctor.slice(0, ctor.indexOf("else {"));
    const argsBlock = ctor.slice(ctor.indexOf("else {"), ctor.indexOf("pulumi.mergeOptions"));
    const names = (block, re) => new Set([...block.matchAll(re)].map((m) => m[1]));
    sdkResources.set(t[1], {
      file: rel,
      state: names(stateBlock, /resourceInputs\["([^"]+)"\] = state/g),
      inputs: names(argsBlock, /resourceInputs\["([^"]+)"\] = args/g),
      required: names(argsBlock, /Missing required property '([^']+)'/g),
    });
  }
  if (t && !t[1].includes(":") && src.includes("constructor(name, args, opts)")) {
    sdkProvider = new Set([...src.matchAll(/resourceInputs\["([^"]+)"\] = (?:pulumi\.output\()?args/g)].map((m) => m[1]));
  }
  for (const m of src.matchAll(/runtime\.invoke(?:Output|SingleOutput|Single)?\("([^"]+)"/g)) sdkFunctions.set(m[1], rel);
}

// The SDK's object types: "<namespace path>.<Interface>" -> list of property-name sets (input.d.ts
// and output.d.ts), read line by line with the namespace nesting.
function sdkTypes() {
  const out = new Map();
  for (const f of ["input.d.ts", "output.d.ts"]) {
    let src;
    try {
      src = readFileSync(join(sdkDir, "types", f), "utf8");
    } catch {
      continue;
    }
    const stack = []; // {kind, name, depth}
    let depth = 0;
    let cur; // {key, depth, props}
    for (const l of src.split("\n")) {
      const ns = /^\s*(?:export )?(?:declare )?namespace (\w+) \{/.exec(l);
      const it = /^\s*(?:export )?interface (\w+) \{/.exec(l);
      if (ns) stack.push({ name: ns[1], depth });
      else if (it && !cur) {
        cur = { key: [...stack.map((x) => x.name), it[1]].join("."), depth, props: new Set() };
      } else if (cur && depth === cur.depth + 1) {
        const m = /^\s*(\w+)\??:/.exec(l);
        if (m) cur.props.add(m[1]);
      }
      for (const ch of l) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
      if (cur && depth === cur.depth) {
        if (!out.has(cur.key)) out.set(cur.key, []);
        out.get(cur.key).push(cur.props);
        cur = undefined;
      }
      while (stack.length && depth <= stack[stack.length - 1].depth) stack.pop();
    }
  }
  return out;
}

const schemaResources = schema.resources ?? {};
const schemaFunctions = schema.functions ?? {};
const keys = (o) => new Set(Object.keys(o ?? {}));
const minus = (a, b) => [...a].filter((x) => !b.has(x)).sort();

const report = [];
let problems = 0;
let mustProblems = 0;
const isMust = (tok) => must.some((m) => tok === m || tok.endsWith(`:${m}`));

const onlySdk = minus(new Set(sdkResources.keys()), keys(schemaResources));
const onlySchema = minus(keys(schemaResources), new Set(sdkResources.keys()));
const fOnlySdk = minus(new Set(sdkFunctions.keys()), keys(schemaFunctions));
const fOnlySchema = minus(keys(schemaFunctions), new Set(sdkFunctions.keys()));
for (const tok of onlySdk) if (isMust(tok)) mustProblems++;
problems += onlySdk.length + onlySchema.length + fOnlySdk.length + fOnlySchema.length;

let providerLine = "provider inputs: no provider.js in the SDK";
if (sdkProvider) {
  const sp = keys(schema.provider?.inputProperties);
  const a = minus(sdkProvider, sp);
  const b = minus(sp, sdkProvider);
  problems += a.length + b.length;
  mustProblems += a.length + b.length;
  providerLine = `provider inputs: SDK ${sdkProvider.size}, schema ${sp.size}` +
    (a.length + b.length ? `; only SDK [${a.join(",")}], only schema [${b.join(",")}]` : ", identical");
}

let same = 0;
const propDiffs = [];
for (const [tok, sdk] of sdkResources) {
  const r = schemaResources[tok];
  if (!r) continue;
  const d = {
    inputsOnlySdk: minus(sdk.inputs, keys(r.inputProperties)),
    inputsOnlySchema: minus(keys(r.inputProperties), sdk.inputs),
    stateOnlySdk: minus(sdk.state, keys(r.stateInputs?.properties)),
    stateOnlySchema: minus(keys(r.stateInputs?.properties), sdk.state),
    requiredOnlySdk: minus(sdk.required, new Set(r.requiredInputs ?? [])),
    requiredOnlySchema: minus(new Set(r.requiredInputs ?? []), sdk.required),
  };
  const n = Object.values(d).reduce((s, a) => s + a.length, 0);
  if (n === 0) same++;
  else {
    problems += n;
    if (isMust(tok)) mustProblems += n;
    propDiffs.push([tok, d]);
  }
}

// Object types (nested inputs/outputs such as a VM's clone block): the schema's property names
// must equal those of the SDK interface of the same module and name (or its "...Args" input twin).
const typesBySdk = sdkTypes();
const typeDiffs = [];
let typesSame = 0;
for (const [tok, t] of Object.entries(schema.types ?? {})) {
  if (t.type !== "object") continue;
  const [, modPath = "", name = ""] = tok.split(":");
  const mod = modPath.split("/").slice(0, -1).filter((x) => x !== "index").join(".");
  const N = name[0].toUpperCase() + name.slice(1);
  const sp = keys(t.properties);
  const cands = [N, `${N}Args`].flatMap((n) => typesBySdk.get(mod ? `${mod}.${n}` : n) ?? []);
  const eq = (a) => a.size === sp.size && [...a].every((x) => sp.has(x));
  if (cands.some(eq)) typesSame++;
  else typeDiffs.push(`${tok}: schema [${[...sp].sort().join(",")}]` + (cands.length ? ` SDK [${[...cands[0]].sort().join(",")}]` : " not in the SDK"));
}
problems += typeDiffs.length;

const line = (s) => report.push(s);
line(`schema ${schemaPath} (${schema.name} ${schema.version ?? "?"}) vs SDK ${sdkDir}`);
line(`resources: SDK ${sdkResources.size}, schema ${Object.keys(schemaResources).length}, in both ${sdkResources.size - onlySdk.length}, identical inputs/state/required ${same}`);
line(`functions: SDK ${sdkFunctions.size}, schema ${Object.keys(schemaFunctions).length}, in both ${sdkFunctions.size - fOnlySdk.length}`);
line(providerLine);
line(`object types: schema ${typesSame + typeDiffs.length}, same property names as the SDK ${typesSame}`);
for (const d of typeDiffs.slice(0, quiet ? 10 : typeDiffs.length)) line(`  type ${d}`);
if (onlySdk.length) line(`resource tokens only in the SDK (${onlySdk.length}): ${onlySdk.join(" ")}`);
if (onlySchema.length) line(`resource tokens only in the schema (${onlySchema.length}): ${onlySchema.join(" ")}`);
if (fOnlySdk.length) line(`function tokens only in the SDK (${fOnlySdk.length}): ${fOnlySdk.join(" ")}`);
if (fOnlySchema.length) line(`function tokens only in the schema (${fOnlySchema.length}): ${fOnlySchema.join(" ")}`);
for (const [tok, d] of propDiffs) {
  if (quiet && !isMust(tok)) continue;
  const parts = Object.entries(d)
    .filter(([, a]) => a.length)
    .map(([k, a]) => `${k}=[${a.join(",")}]`);
  line(`  ${isMust(tok) ? "MUST " : ""}${tok}: ${parts.join(" ")}`);
}
if (propDiffs.length) line(`resources with property differences: ${propDiffs.length}`);
if (must.length) {
  const missing = must.filter((m) => ![...sdkResources.keys()].some((t) => t === m || t.endsWith(`:${m}`)));
  if (missing.length) {
    line(`--must names not found in the SDK: ${missing.join(" ")}`);
    mustProblems += missing.length;
  }
  line(`must-match resources (${must.join(", ")}): ${mustProblems === 0 ? "all identical" : `${mustProblems} difference(s)`}`);
}
console.log(report.join("\n"));
process.exit((must.length ? mustProblems : problems) === 0 ? 0 : 1);
