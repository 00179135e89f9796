import { AssertionError } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { HearthValidationError } from "@hearth/core";
import { callPresets } from "./presets.js";

/** One resource the mocks were asked to create, in registration order. */
export interface RecordedResource {
  /** The type token, for example `"hcloud:index/server:Server"` or `"hearth:proxmox:VmFromTemplate"`. */
  readonly type: string;
  /** The resource's name. */
  readonly name: string;
  /** The inputs the engine would have received (Outputs resolved, secrets unwrapped). */
  readonly inputs: Record<string, any>;
  /** True for provider (custom) resources, false for components. */
  readonly custom: boolean;
  /** The id the mocks answered. */
  readonly id: string | undefined;
}

/**
 * What the mocks answer for one resource type: extra or replaced output state, and optionally
 * the id. Called with the registration and a counter that grows across every resource of the
 * process (so answers such as VM ids or addresses stay distinct).
 */
export type MockAnswer = (args: pulumi.runtime.MockResourceArgs, sequence: number) => { readonly id?: string; readonly state?: Record<string, unknown> };

/** Answers per resource type token. */
export type MockAnswers = Readonly<Record<string, MockAnswer>>;

/** How {@link installMocks} runs and answers. */
export interface MockOptions {
  /** Per-type answers; several sets are merged (later sets win), for example `[presets.hcloud, presets.digitalocean]`. */
  readonly answers?: MockAnswers | readonly MockAnswers[];
  /** Run as a preview (`pulumi.runtime.isDryRun()` is true; outputs the mocks do not answer are unknown). */
  readonly preview?: boolean;
  /** @default "hearth" */
  readonly project?: string;
  /** @default "test" */
  readonly stack?: string;
  /** Answers provider function calls (invokes); by default {@link callPresets}, else a call returns its inputs. */
  readonly call?: (args: pulumi.runtime.MockCallArgs) => Record<string, any>;
}

/**
 * Every resource the mocks saw since the last {@link resetMocks}, in registration order. One
 * list per process (Pulumi's mocks are process-wide); {@link installMocks} and
 * {@link resetMocks} empty it in place, so a reference taken once stays current.
 */
export const recorded: RecordedResource[] = [];

let sequence = 1000;

/**
 * Installs Pulumi mocks that record every resource in {@link recorded} and answer each with its
 * inputs as state, plus what `answers` adds for its type. The id is the answer's, or a number
 * (as text) from a process-wide counter, which is what Hetzner Cloud and DigitalOcean ids look
 * like. Takes effect at once (the returned promise only completes Pulumi's own setup), so it
 * may run at the top of a test file as well as in `beforeAll`.
 */
export function installMocks(options: MockOptions = {}): Promise<void> {
  const sets: readonly MockAnswers[] = options.answers === undefined ? [] : Array.isArray(options.answers) ? (options.answers as readonly MockAnswers[]) : [options.answers as MockAnswers];
  const answers: Record<string, MockAnswer> = Object.assign({}, ...sets);
  recorded.length = 0;
  return pulumi.runtime.setMocks(
    {
      newResource(args) {
        const n = sequence++;
        const answer = answers[args.type]?.(args, n) ?? {};
        const id = answer.id ?? String(n);
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false, id });
        return { id, state: { ...args.inputs, ...answer.state } };
      },
      call: options.call ?? ((args) => callPresets[args.token]?.(args.inputs) ?? args.inputs),
    },
    options.project ?? "hearth",
    options.stack ?? "test",
    options.preview ?? false,
  );
}

/**
 * Waits until the registrations started so far have reached the mocks (Pulumi's own queue of
 * pending calls, bounded by `timeoutMs` so a registration that waits on an Output that never
 * resolves cannot hang a test), then lets the rejections of that work be reported.
 */
export async function settle({ timeoutMs = 1000 }: { timeoutMs?: number } = {}): Promise<void> {
  // `waitForRPCs` is internal to @pulumi/pulumi (runtime/settings.js) but exported at runtime;
  // without it, fall back to a fixed pause.
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitForRPCs ? timeoutMs : 50)));
  try {
    await Promise.race([waitForRPCs ? waitForRPCs().catch(() => undefined) : bound, bound]);
  } finally {
    clearTimeout(timer);
  }
  // Unhandled rejections are reported after the microtask queue drains: two macrotask turns.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Lets the registrations of the previous test land, then forgets every recorded resource. */
export async function resetMocks(): Promise<void> {
  await settle();
  recorded.length = 0;
}

/** The recorded resources of one type, for example `"proxmoxve:index/vmLegacy:VmLegacy"`. */
export function recordedOf(type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

/** The recorded resources of one name (a component and its children may share one). */
export function recordedNamed(name: string): RecordedResource[] {
  return recorded.filter((r) => r.name === name);
}

/** A provider resource with the options it was registered with. */
export interface CapturedChild {
  /** The type token, for example `"proxmoxve:index/vmLegacy:VmLegacy"`. */
  readonly type: string;
  /** The resource's name. */
  readonly name: string;
  /** The resource object (compare with a component to check a parent). */
  readonly resource: pulumi.Resource;
  /** The inputs as given (Outputs not resolved). */
  readonly props: Record<string, any>;
  /** The options the engine receives: parent, dependsOn, aliases, ignoreChanges, provider... */
  readonly opts: pulumi.CustomResourceOptions;
}

/** What {@link captureChildren} records. */
export interface Capture {
  /** Pass in a component's options (`{ transformations }`); its children inherit it. */
  readonly transformations: pulumi.ResourceTransformation[];
  /** The same transformation, on its own. */
  readonly transformation: pulumi.ResourceTransformation;
  /** Every provider (non-`hearth:`) resource seen, in construction order. */
  readonly children: CapturedChild[];
  /** The parent of every resource seen (components too), by `"type::name"`. */
  readonly parents: Map<string, pulumi.Resource | undefined>;
  /** The options of every resource seen (components too), by `"type::name"`. */
  readonly options: Map<string, pulumi.CustomResourceOptions>;
  /** The options of one resource seen; throws naming what was seen when there is none. */
  optionsOf(type: string, name: string): pulumi.CustomResourceOptions;
}

/**
 * A transformation that records each resource's options the way the engine receives them
 * (the mocks only see inputs). Passing it in a component's options also shows that options
 * flow to the children.
 */
export function captureChildren(): Capture {
  const children: CapturedChild[] = [];
  const parents = new Map<string, pulumi.Resource | undefined>();
  const options = new Map<string, pulumi.CustomResourceOptions>();
  const transformation: pulumi.ResourceTransformation = (args) => {
    const key = `${args.type}::${args.name}`;
    parents.set(key, args.opts.parent);
    options.set(key, args.opts as pulumi.CustomResourceOptions);
    if (!args.type.startsWith("hearth:")) {
      children.push({ type: args.type, name: args.name, resource: args.resource, props: args.props, opts: args.opts as pulumi.CustomResourceOptions });
    }
    return undefined;
  };
  return {
    transformations: [transformation],
    transformation,
    children,
    parents,
    options,
    optionsOf(type, name) {
      const found = options.get(`${type}::${name}`);
      if (found === undefined) throw new Error(`no resource ${type}::${name} was captured; seen: ${[...options.keys()].join(", ") || "none"}`);
      return found;
    },
  };
}

/**
 * Asserts that `make` throws a HearthValidationError (never a TypeError or anything else from
 * inside), matching `message` when given, and that nothing at all was registered: neither the
 * component nor any child reaches the mocks. Returns the error for further checks.
 */
export async function expectRefused(make: () => unknown, message?: RegExp | string): Promise<HearthValidationError> {
  await settle();
  const before = recorded.length;
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof HearthValidationError)) {
    throw new AssertionError({ message: `expected a HearthValidationError, got ${error === undefined ? "no error" : String(error)}`, actual: error, expected: HearthValidationError });
  }
  if (message !== undefined && !(typeof message === "string" ? error.message.includes(message) : message.test(error.message))) {
    throw new AssertionError({ message: `the HearthValidationError does not match ${String(message)}: ${error.message}`, actual: error.message, expected: message });
  }
  await settle();
  const registered = recorded.slice(before);
  if (registered.length > 0) {
    throw new AssertionError({ message: `refused input registered ${registered.map((r) => `${r.type} "${r.name}"`).join(", ")}`, actual: registered, expected: [] });
  }
  return error;
}
