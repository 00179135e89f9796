/**
 * The one error type Hearth raises for input it can check itself. It names the component
 * (type and resource name), the field, the offending value and what is allowed, so the
 * message reads like help rather than a provider stack trace.
 */
export class HearthValidationError extends Error {
  override readonly name = "HearthValidationError";

  constructor(
    /** The component, for example `VmFromTemplate "web"`. */
    readonly component: string,
    /** The field path inside the args, for example `disks[0].sizeGb`. */
    readonly field: string,
    /** The rejected value (never a secret: callers pass `"[secret]"` for those). */
    readonly value: unknown,
    /** What would have been accepted, phrased for a person. */
    readonly allowed: string,
  ) {
    super(`${component}: ${field} ${describeValue(value)} is not valid; ${allowed}`);
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * A function that raises a HearthValidationError for one component instance.
 * Create it once per constructor: `const fail = failFor("VmFromTemplate", name)`.
 */
export type Fail = (field: string, value: unknown, allowed: string) => never;

/** Builds the {@link Fail} function for one component instance. */
export function failFor(componentType: string, name: string): Fail {
  const component = `${componentType} "${name}"`;
  return (field, value, allowed) => {
    throw new HearthValidationError(component, field, value, allowed);
  };
}
