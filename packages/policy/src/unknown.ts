import { UNKNOWN } from "./types.js";

/**
 * The sentinel strings the engine uses for values unknown during preview. They match the
 * constants in @pulumi/policy's proxy module (a test keeps them in step).
 */
export const unknownSentinels: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Unwraps @pulumi/policy's unknown-checking proxy (its `__getSpecialProxyTarget` hook); plain objects pass through. */
export function proxyTarget(value: object): object {
  return ((value as Record<string, unknown>)["__getSpecialProxyTarget"] as object | undefined) ?? value;
}

/**
 * Deep-copies resource properties into plain data, turning unknown sentinels into {@link UNKNOWN}.
 * `rawTarget` unwraps @pulumi/policy's unknown-checking proxy so reading never throws.
 */
export function toPlain(value: unknown, rawTarget: (v: object) => object = proxyTarget): unknown {
  if (typeof value === "string") return unknownSentinels.has(value) ? UNKNOWN : value;
  if (value === null || typeof value !== "object") return value;
  const target = rawTarget(value);
  if (Array.isArray(target)) return target.map((v) => toPlain(v, rawTarget));
  const proto = Object.getPrototypeOf(target);
  if (proto !== Object.prototype && proto !== null) return target; // assets, archives
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(target)) out[k] = toPlain(v, rawTarget);
  return out;
}

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}

/** Reads a string, or undefined when it is absent, unknown or not a string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Reads a boolean. Provider resources carry their config as strings ("true"), so both count.
 * Returns UNKNOWN when the engine does not know it yet.
 */
export function bool(value: unknown): boolean | undefined | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

/** Reads a list; anything else gives an empty list (UNKNOWN gives UNKNOWN). */
export function list(value: unknown): readonly unknown[] | typeof UNKNOWN {
  if (value === UNKNOWN) return UNKNOWN;
  return Array.isArray(value) ? value : [];
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
