// Builders for the pure checks' arguments, shared by the tests.
import { readContext, type PolicyContext } from "../settings.js";
import type { ResourceView } from "../types.js";

export const now = new Date("2026-11-22T12:00:00Z");

export function ctx(raw: Record<string, unknown> = {}): PolicyContext {
  return readContext(raw, now);
}

export function res(type: string, name: string, props: Record<string, unknown> = {}, provider?: ResourceView["provider"]): ResourceView {
  const stack = type.startsWith("hcloud") || type.startsWith("digitalocean") || type.includes("providers:hcloud") || type.includes("providers:digitalocean") ? "cloud" : "home";
  return { type, name, urn: `urn:pulumi:${stack}::hearth::${type}::${name}`, props, ...(provider ? { provider } : {}) };
}
