import type { Labels } from "../state.js";
import { invalidInput } from "./errors.js";

/**
 * Label syntax. Keys: hcloud-go v2.47.0 `hcloud/labels.go` `keyRegexp` (an optional DNS-like
 * prefix up to 253 characters and `/`, then a name of 1-63 characters: alphanumeric at both ends,
 * `-_.` inside). Values: the `labels` schema's `additionalProperties.pattern` in
 * ../shared/specs/hcloud-openapi.json (empty, or 1-63 characters, alphanumeric at both ends).
 */
const KEY = /^([a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,253}[a-z0-9A-Z])?\/)?[a-z0-9A-Z]((?:[-_.]|[a-z0-9A-Z]){0,61}[a-z0-9A-Z])?$/;
const VALUE = /^(()|[a-z0-9A-Z]|([a-z0-9A-Z][a-z0-9A-Z._-]{0,61}[a-z0-9A-Z]))$/;

/** Why these labels are refused, or undefined when they are valid. */
export function labelProblem(labels: unknown): string | undefined {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) return "labels must be an object of strings";
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (!KEY.test(k)) return `label key '${k}' is not correctly formatted`;
    if (typeof v !== "string" || !VALUE.test(v)) return `label value '${String(v)}' (key: ${k}) is not correctly formatted`;
  }
  return undefined;
}

/** The labels of a request body (`{}` when absent), refused with `invalid_input` when malformed. */
export function labelsOf(body: Record<string, unknown>): Labels {
  const labels = body.labels ?? {};
  const problem = labelProblem(labels);
  if (problem) invalidInput("labels", problem);
  return { ...(labels as Labels) };
}

/** `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma-separated (all must hold). */
export function matchesLabelSelector(labels: Labels, selector: string): boolean {
  return selector
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter(Boolean)
    .every((term) => {
      let m: RegExpExecArray | null;
      if ((m = /^!\s*(\S+)$/.exec(term))) return !(m[1]! in labels);
      if ((m = /^(\S+?)\s*!=\s*(\S*)$/.exec(term))) return labels[m[1]!] !== m[2];
      if ((m = /^(\S+?)\s*==?\s*(\S*)$/.exec(term))) return labels[m[1]!] === m[2];
      if ((m = /^(\S+)\s+notin\s+\(([^)]*)\)$/.exec(term))) return !m[2]!.split(",").map((v) => v.trim()).includes(labels[m[1]!] ?? "\0");
      if ((m = /^(\S+)\s+in\s+\(([^)]*)\)$/.exec(term))) return m[2]!.split(",").map((v) => v.trim()).includes(labels[m[1]!] ?? "\0");
      return term in labels;
    });
}
