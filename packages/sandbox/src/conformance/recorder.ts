import type { AllowlistEntry } from "./allowlist.js";
import { type CheckResult, ConformanceChecker, type ConformanceApi, type Exchange, type Refusal, type Violation } from "./checker.js";
import { findSpecsDir, loadSpecs } from "./specs.js";

/** What a sandbox's run looked like against the official documents. */
export interface ConformanceReport {
  /** False when the documents were not found (then nothing was checked and `reason` says why). */
  enabled: boolean;
  /** False only when the sandbox was started with `conformance: false`. */
  requested: boolean;
  reason?: string;
  /** Requests received and checked. */
  exchanges: number;
  /** Requests refused as the real API refuses them (they are exchanges too). */
  refused: number;
  /** Departures from the documents that no allowlist entry covers. A faithful run has none. */
  violations: Violation[];
  /** Departures covered by the allowlist, counted per entry reason. */
  allowed: { reason: string; count: number }[];
  /** Distinct `METHOD template` pairs exercised and checked, per API, sorted. */
  coverage: Record<ConformanceApi, string[]>;
  /** How many (method, path) pairs each document describes. */
  documented: Record<ConformanceApi, number>;
}

const shared = new Map<string, ConformanceChecker>();

/** The checker for a specs directory, built once per process. */
export function checkerFor(dir: string, allowlist?: readonly AllowlistEntry[]): ConformanceChecker {
  if (allowlist) return new ConformanceChecker(loadSpecs(dir), allowlist);
  let c = shared.get(dir);
  if (!c) {
    c = new ConformanceChecker(loadSpecs(dir));
    shared.set(dir, c);
  }
  return c;
}

/** Violations kept per run; past it they are counted, not stored (the first ones tell the story). */
const MAX_KEPT = 500;
/** Exchanges kept for inspection (the newest); all of them are checked. */
const MAX_EXCHANGES = 2000;
/** Exchanges waiting to be checked before the recorder checks them without being asked. */
const MAX_PENDING = 1000;

/**
 * Records every exchange of one sandbox, checks it as it happens, and reports. Also the place
 * the sandbox asks whether the real API would refuse a request.
 */
export class ConformanceRecorder {
  private readonly checker?: ConformanceChecker;
  private readonly reason?: string;
  private readonly requested: boolean;
  private exchanges = 0;
  private refused = 0;
  private readonly violations: Violation[] = [];
  private dropped = 0;
  private readonly allowed = new Map<string, number>();
  private readonly pairs: Record<ConformanceApi, Set<string>> = { proxmox: new Set(), hcloud: new Set(), digitalocean: new Set() };
  /** The newest exchanges, for a test that wants to look at what went over the wire. */
  readonly recent: Exchange[] = [];
  private readonly pending: Exchange[] = [];

  constructor(options: { specsDir?: string; enabled?: boolean; allowlist?: readonly AllowlistEntry[] } = {}) {
    this.requested = options.enabled !== false;
    if (options.enabled === false) {
      this.reason = "turned off by the `conformance: false` option";
      return;
    }
    const dir = options.specsDir ?? findSpecsDir();
    if (!dir) {
      this.reason = "the official API descriptions were not found: set HEARTH_SPECS_DIR to the directory holding pve-api-9.1.3.json (../shared/specs)";
      return;
    }
    this.checker = checkerFor(dir, options.allowlist);
  }

  get enabled(): boolean {
    return !!this.checker;
  }

  /** Prepare the validators for an emulator's routes (once per process; see ConformanceChecker.warm). */
  warm(api: ConformanceApi, routes: { method: string; pattern: string }[]): void {
    if (!this.checker) return;
    for (const r of routes) {
      try {
        this.checker.warm(api, r.method, r.pattern);
      } catch {
        // a route the document lacks, or a schema Ajv cannot compile: the check reports it when it happens
      }
    }
  }

  refusal(api: ConformanceApi, method: string, path: string, query: Record<string, string[]>, body: Record<string, unknown>): Refusal | undefined {
    try {
      const r = this.checker?.refusal(api, method, path, query, body);
      if (r) this.refused++;
      return r;
    } catch (e) {
      this.keep({ api, method, path, kind: "checker-error", message: `the checker failed on the request: ${e instanceof Error ? e.message : String(e)}` });
      return undefined;
    }
  }

  /**
   * Record an exchange. The check itself runs later, when the report is asked for (or when
   * many exchanges wait), so that compiling a large schema never shifts the emulator's timing.
   */
  record(exchange: Exchange): void {
    if (!this.checker) return;
    this.exchanges++;
    this.recent.push(exchange);
    if (this.recent.length > MAX_EXCHANGES) this.recent.shift();
    this.pending.push(exchange);
    if (this.pending.length >= MAX_PENDING) this.drain();
  }

  private drain(): void {
    for (const exchange of this.pending.splice(0)) {
      let result: CheckResult;
      try {
        result = this.checker!.check(exchange);
      } catch (e) {
        this.keep({ api: exchange.api, method: exchange.method, path: exchange.path, kind: "checker-error", message: `the checker failed: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      if (result.template) this.pairs[exchange.api].add(`${exchange.method} ${result.template}`);
      for (const v of result.violations) this.keep(v);
      for (const a of result.allowed) this.allowed.set(a.entry.reason, (this.allowed.get(a.entry.reason) ?? 0) + 1);
    }
  }

  private keep(v: Violation): void {
    if (this.violations.length < MAX_KEPT) this.violations.push(v);
    else this.dropped++;
  }

  report(): ConformanceReport {
    this.drain();
    const violations = [...this.violations];
    if (this.dropped) violations.push({ api: violations[0]!.api, method: "-", path: "-", kind: violations[0]!.kind, message: `${this.dropped} more violations not kept` });
    return {
      enabled: this.enabled,
      requested: this.requested,
      ...(this.reason ? { reason: this.reason } : {}),
      exchanges: this.exchanges,
      refused: this.refused,
      violations,
      allowed: [...this.allowed].map(([reason, count]) => ({ reason, count })),
      coverage: { proxmox: [...this.pairs.proxmox].sort(), hcloud: [...this.pairs.hcloud].sort(), digitalocean: [...this.pairs.digitalocean].sort() },
      documented: this.checker?.documented ?? { proxmox: 0, hcloud: 0, digitalocean: 0 },
    };
  }
}

/**
 * One line per distinct violation, for assertion messages, with how often it occurred:
 * `proxmox PUT /nodes/{node}/qemu/{vmid}/config [request-body] net0: invalid format - ... (x3)`.
 */
export function formatViolations(violations: readonly Violation[]): string {
  const counts = new Map<string, number>();
  for (const v of violations) {
    const line = `${v.api} ${v.method} ${v.template ?? v.path}${v.status ? ` -> ${v.status}` : ""} [${v.kind}]${v.field ? ` ${v.field}:` : ""} ${v.message}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} (x${n})` : line)).join("\n");
}
