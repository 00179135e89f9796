/**
 * The Pulumi program the engine benchmarks run (`pulumi preview` / `pulumi up` against the
 * sandbox): BENCH_KIND (component | raw) and BENCH_N from the environment. Providers come
 * from the PROXMOX_VE_* variables the sandbox prints. (The clone benchmark has its own
 * program, clones-program.ts.)
 *
 * Loaded through tsx's CJS hook only (see engine.ts), so the program modules are required
 * (not import()ed): one kind per process, as in the overhead workers.
 */
type ComponentModule = typeof import("./program-component.js");
type RawModule = typeof import("./program-raw.js");

const kind = process.env.BENCH_KIND ?? "";
const n = Number(process.env.BENCH_N);
if (!["component", "raw"].includes(kind) || !Number.isInteger(n) || n < 1) {
  throw new Error(`engine-program: set BENCH_KIND (component|raw) and BENCH_N, got ${kind} ${process.env.BENCH_N}`);
}

if (kind === "component") {
  (require("./program-component.js") as ComponentModule).componentProgram(n);
} else {
  (require("./program-raw.js") as RawModule).rawProgram(n);
}
