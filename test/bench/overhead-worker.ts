/**
 * One overhead measurement in a fresh process, so peak RSS belongs to one program:
 *
 *   TSX_TSCONFIG_PATH=test/bench/tsconfig.bench.json node --import tsx test/bench/overhead-worker.ts <component|raw|bare> <N>
 *
 * prints one JSON line {kind, n, wallMs, cpuMs, peakRssMb, heapUsedMb, resources, ...}. The
 * measured span runs from just before the program is constructed until every expected
 * resource has reached the (mock) engine and the SDK's RPC queue has drained, which is when
 * a real `pulumi preview` would see the program as finished.
 *
 *   ... overhead-worker.ts record <component|raw> <N>
 *
 * prints every registration (type, name, inputs) instead, to check that both programs send
 * the same provider resources.
 *
 * The tsconfig without `paths` matters: with the root tsconfig, tsx would map @hearth/* to
 * the TypeScript sources; the benchmark loads the built packages (run `npm run build` first).
 */
import * as pulumi from "@pulumi/pulumi";
import { expectedResources, loadProgram, programKinds, type ProgramKind } from "./programs.js";

interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
}

function usage(): never {
  console.error("usage: overhead-worker.ts [record] <component|raw|bare> <N>");
  process.exit(2);
}

/** Fails when @hearth/* came from sources instead of the built dist (the benchmark's premise). */
function assertBuiltPackages(): string[] {
  const hearth = Object.keys(require.cache).filter((k) => /[/\\]packages[/\\][a-z]+[/\\]/.test(k));
  const fromSource = hearth.filter((k) => !/[/\\]dist[/\\]/.test(k));
  if (fromSource.length > 0) throw new Error(`@hearth/* loaded from sources, not dist: ${fromSource.join(", ")}; run with TSX_TSCONFIG_PATH=test/bench/tsconfig.bench.json`);
  return hearth.map((k) => k.replace(/^.*[/\\]packages[/\\]/, "packages/"));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const record = args[0] === "record";
  if (record) args.shift();
  const kind = args[0] as ProgramKind;
  const n = Number(args[1]);
  if (!programKinds.includes(kind) || !Number.isInteger(n) || n < 1) usage();

  const expected = expectedResources(kind, n);
  const total = expected.custom + expected.component;
  const seen = { custom: 0, component: 0 };
  const registrations: Registration[] = [];
  let nextVmId = 100;
  let allRegistered!: () => void;
  const registered = new Promise<void>((resolve) => (allRegistered = resolve));

  await pulumi.runtime.setMocks(
    {
      newResource(a) {
        if (a.custom) seen.custom++;
        else seen.component++;
        if (record) registrations.push({ type: a.type, name: a.name, custom: a.custom ?? false, inputs: a.inputs });
        const state: Record<string, unknown> = { ...a.inputs };
        if (a.type === "proxmoxve:index/vmLegacy:VmLegacy") state.vmId = a.inputs.vmId ?? nextVmId++;
        if (seen.custom + seen.component === total) allRegistered();
        return { id: `${a.name}-id`, state };
      },
      call: (a) => a.inputs,
    },
    "bench",
    "bench",
    true, // a preview: what `pulumi preview` runs
  );

  const program = await loadProgram(kind);
  const modules = assertBuiltPackages();
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;

  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  program(n);
  const constructedMs = performance.now() - t0;
  const timeout = setTimeout(() => {
    console.error(`timed out: ${JSON.stringify(seen)} of ${JSON.stringify(expected)} resources registered`);
    process.exit(1);
  }, 600_000);
  await registered;
  const registeredMs = performance.now() - t0;
  if (waitForRPCs) await waitForRPCs();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearTimeout(timeout);

  if (record) {
    process.stdout.write(JSON.stringify(registrations, null, 1) + "\n");
    return;
  }
  const mem = process.memoryUsage();
  const result = {
    kind,
    n,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssAtStartMb: rss0 / 2 ** 20,
    heapUsedMb: mem.heapUsed / 2 ** 20,
    constructedMs,
    registeredMs,
    resources: seen,
    modules,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
