/** Fault injection: what can go wrong, and how often. All randomness is seeded, so a run can be replayed. */
export interface FaultOptions {
  /** Share of API calls (0..1) answered with a 500 before they reach the emulator. @default 0 */
  errorRate?: number;
  /** Only inject errors on these methods. @default all methods */
  errorMethods?: string[];
  /**
   * HTTP statuses an injected error answers with, one picked at random per fault; each API
   * renders it in its own shape with its own error code (hcloud: 409 `conflict`, 423 `locked`,
   * 429 `rate_limit_exceeded`, 502 `bad_gateway`, 503 `maintenance`, 504 `timeout`). Clients retry
   * some of them by themselves (hcloud-go `retryPolicy`, godo with go-retryablehttp).
   * @default [500]
   */
  errorStatuses?: number[];
  /** Seed of the pseudo-random generator. @default 1 */
  seed?: number;
  /**
   * Share of Proxmox clones (0..1) whose task fails on the TARGET id's config lock
   * (`can't lock file '/var/lock/qemu-server/lock-<newid>.conf' - got timeout`) even without contention. @default 0
   */
  lockTimeoutRate?: number;
  /**
   * Share of Proxmox volume allocations (0..1: clone disks, linked clones, new disks) that time out on the
   * storage lock (`can't lock file '/var/lock/pve-manager/pve-storage-<id>' - got timeout`). @default 0
   */
  storageLockTimeoutRate?: number;
  /** Share of Proxmox config updates, resizes, starts, stops and destroys (0..1) that time out on the VM's config lock. @default 0 */
  configLockTimeoutRate?: number;
  /** Extra time added to every Proxmox task, hcloud action and DigitalOcean action/boot, in ms. @default 0 */
  slowTaskMs?: number;
}

export const FAULT_KEYS = ["errorRate", "errorMethods", "errorStatuses", "seed", "lockTimeoutRate", "storageLockTimeoutRate", "configLockTimeoutRate", "slowTaskMs"] as const;
const RATE_KEYS = new Set(["errorRate", "lockTimeoutRate", "storageLockTimeoutRate", "configLockTimeoutRate"]);

/** Statuses fault injection can answer with: what real cloud and Proxmox APIs send under load or in races. */
export const FAULT_STATUSES = [409, 423, 429, 500, 502, 503, 504] as const;

/** Injected fault counts by kind. */
export interface InjectedFaults {
  errors: number;
  /** Clone target-id lock timeouts. */
  lockTimeouts: number;
  storageLockTimeouts: number;
  configLockTimeouts: number;
}

/** mulberry32: tiny, fast, good enough for deciding which calls fail. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private random: () => number = mulberry32(1);
  private current: FaultOptions = {};
  /** How many faults were injected, by kind (tests and `inspect()` report it). */
  readonly injected: InjectedFaults = { errors: 0, lockTimeouts: 0, storageLockTimeouts: 0, configLockTimeouts: 0 };

  constructor(options: FaultOptions = {}) {
    this.configure(options);
  }

  get options(): FaultOptions {
    return this.current;
  }

  /** Replace the fault settings (and reseed) while the sandbox runs. */
  configure(options: FaultOptions): void {
    for (const [key, value] of Object.entries(options)) {
      if (!(FAULT_KEYS as readonly string[]).includes(key)) throw new Error(`unknown fault option "${key}" (allowed: ${FAULT_KEYS.join(", ")})`);
      if (RATE_KEYS.has(key) && (typeof value !== "number" || value < 0 || value > 1))
        throw new Error(`fault option ${key} must be a number from 0 to 1, got ${String(value)}`);
      if (key === "errorStatuses" && (!Array.isArray(value) || value.length === 0 || value.some((v) => !(FAULT_STATUSES as readonly unknown[]).includes(v))))
        throw new Error(`fault option errorStatuses must be a non-empty list of ${FAULT_STATUSES.join(", ")}, got ${JSON.stringify(value)}`);
      if (key === "slowTaskMs" && (typeof value !== "number" || value < 0)) throw new Error(`fault option slowTaskMs must be >= 0, got ${String(value)}`);
    }
    this.current = { ...options };
    this.random = mulberry32(options.seed ?? 1);
  }

  /** The status of an injected error for this API call, or undefined when it goes through. */
  injectedStatus(method: string): number | undefined {
    if (!this.shouldFail(method)) return undefined;
    const statuses = this.options.errorStatuses ?? [500];
    return statuses.length === 1 ? statuses[0] : statuses[Math.floor(this.random() * statuses.length)];
  }

  /** Should this API call fail with an injected error? */
  shouldFail(method: string): boolean {
    const rate = this.options.errorRate ?? 0;
    if (rate <= 0) return false;
    if (this.options.errorMethods && !this.options.errorMethods.map((m) => m.toUpperCase()).includes(method)) return false;
    const hit = this.random() < rate;
    if (hit) this.injected.errors++;
    return hit;
  }

  /** Should this clone time out on its target id's lock regardless of contention? */
  shouldTimeOutLock(): boolean {
    return this.roll(this.options.lockTimeoutRate, "lockTimeouts");
  }

  /** Should this volume allocation time out on the storage lock regardless of contention? */
  shouldTimeOutStorageLock(): boolean {
    return this.roll(this.options.storageLockTimeoutRate, "storageLockTimeouts");
  }

  /** Should this config-lock taker (PUT/POST config, resize, start...) time out regardless of contention? */
  shouldTimeOutConfigLock(): boolean {
    return this.roll(this.options.configLockTimeoutRate, "configLockTimeouts");
  }

  private roll(rate: number | undefined, kind: Exclude<keyof InjectedFaults, "errors">): boolean {
    const hit = (rate ?? 0) > 0 && this.random() < rate!;
    if (hit) this.injected[kind]++;
    return hit;
  }

  get slowMs(): number {
    return this.options.slowTaskMs ?? 0;
  }
}

/**
 * Parse `--faults`: either JSON (`{"errorRate":0.1}`) or `key=value` pairs separated by commas
 * (`errorRate=0.1,seed=7,slowTaskMs=2000,errorMethods=POST|PUT,errorStatuses=409|429|502`).
 */
export function parseFaults(text: string): FaultOptions {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return JSON.parse(trimmed) as FaultOptions;
  const out: Record<string, unknown> = {};
  for (const pair of trimmed.split(",").filter(Boolean)) {
    const [key, value] = pair.split("=", 2).map((s) => s.trim());
    if (!key || value === undefined) throw new Error(`--faults: expected key=value, got "${pair}"`);
    if (key === "errorMethods") out[key] = value.split("|").map((m) => m.toUpperCase());
    else if (key === "errorStatuses") out[key] = value.split("|").map(Number);
    else {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`--faults: ${key} must be a number, got "${value}"`);
      out[key] = n;
    }
  }
  return out as FaultOptions;
}
