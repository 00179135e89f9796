/**
 * The one error type Hearth raises for input it can check itself. It names the component
 * (type and resource name), the field, the offending value and what is allowed, so the
 * message reads like help rather than a provider stack trace.
 */
export class HearthValidationError extends Error {
  override readonly name = "HearthValidationError";
  /**
   * Every problem found in the args, in field order of checking; one entry when the error was
   * raised by a single check. `field`, `value` and `allowed` are those of the first.
   */
  readonly problems: readonly Problem[];

  constructor(
    /** The component, for example `VmFromTemplate "web"`. */
    readonly component: string,
    /** The field path inside the args, for example `disks[0].sizeGb`. */
    readonly field: string,
    /** The rejected value (never a secret: callers pass `"[secret]"` for those). */
    readonly value: unknown,
    /** What would have been accepted, phrased for a person. */
    readonly allowed: string,
    problems?: readonly Problem[],
  ) {
    const all = problems && problems.length > 0 ? problems : [{ field, value, allowed }];
    super(
      all.length === 1
        ? `${component}: ${describeProblem(all[0]!)}`
        : `${component}: ${all.length} problems:\n${all.map((p) => `  - ${describeProblem(p)}`).join("\n")}`,
    );
    this.problems = all;
  }
}

/** One refused field: where, what was given (never a secret), and what is allowed. */
export interface Problem {
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

const describeProblem = (p: Problem) => `${p.field} ${describeValue(p.value)} is not valid; ${p.allowed}`;

/**
 * Collects every problem of one component's args instead of stopping at the first, so one
 * `pulumi preview` shows everything to fix. Each check runs with a {@link Fail} as usual; a
 * HearthValidationError it raises is recorded and the check's result is `undefined`.
 *
 * ```ts
 * const problems = new Problems(`VmFromTemplate "web"`);
 * const size = problems.check((fail) => resolveVmSize(fail, "size", args.size ?? "small"));
 * problems.throwIfAny(); // one HearthValidationError listing them all
 * ```
 */
export class Problems {
  private readonly found: Problem[] = [];

  constructor(readonly component: string) {}

  /** The problems found so far. */
  get list(): readonly Problem[] {
    return this.found;
  }

  /** A {@link Fail} that raises for this component (use inside {@link check}). */
  readonly fail: Fail = (field, value, allowed) => {
    throw new HearthValidationError(this.component, field, value, allowed);
  };

  /** Runs one check; records the HearthValidationError(s) it raises. Other errors propagate. */
  check<T>(run: (fail: Fail) => T): T | undefined {
    try {
      return run(this.fail);
    } catch (error) {
      if (!(error instanceof HearthValidationError)) throw error;
      this.found.push(...error.problems);
      return undefined;
    }
  }

  /** Records problems returned by a contract validator. */
  add(problems: readonly Problem[]): void {
    this.found.push(...problems);
  }

  /** Throws one HearthValidationError naming every problem; does nothing when there is none. */
  throwIfAny(): void {
    const first = this.found[0];
    if (first) throw new HearthValidationError(this.component, first.field, first.value, first.allowed, [...this.found]);
  }
}

/**
 * The value as the user wrote it: strings quoted, numbers exactly (`NaN`, `Infinity`, `-0`,
 * which JSON would print as `null` or `0`), lists and objects in JSON-like form with the same
 * number rules, cut at 120 characters.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = render(value, 0, new WeakSet());
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function render(value: unknown, depth: number, seen: WeakSet<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return `[function ${value.name || "anonymous"}]`;
  }
  if (value === null) return "null";
  const object = value as object;
  // An Output's value is unknown here (and may be secret); never look inside it.
  if ((object as { __pulumiOutput?: unknown }).__pulumiOutput === true) return "[Output]";
  if (object instanceof Promise) return "[Promise]";
  if (seen.has(object) || depth > 4) return "[...]";
  seen.add(object);
  if (Array.isArray(object)) return `[${object.map((v) => render(v, depth + 1, seen)).join(",")}]`;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  const constructorName = Object.getPrototypeOf(object)?.constructor?.name;
  const entries = Object.entries(object).map(([k, v]) => `${JSON.stringify(k)}:${render(v, depth + 1, seen)}`);
  const body = `{${entries.join(",")}}`;
  return constructorName && constructorName !== "Object" ? `${constructorName} ${body}` : body;
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
