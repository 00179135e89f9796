/**
 * `@hearth/kit/testing`: the one helper for component tests under Pulumi's mocks. Mocks that
 * record every resource and answer per type ({@link presets} for Proxmox VE, Hetzner Cloud and
 * DigitalOcean), the options each child was registered with, {@link outputOf} that rejects
 * instead of hanging, and {@link late} for checks that fail when a value resolves later.
 * Test-runner neutral: failed expectations throw node:assert's AssertionError.
 */
export {
  captureChildren,
  expectRefused,
  installMocks,
  recorded,
  recordedNamed,
  recordedOf,
  resetMocks,
  settle,
  type Capture,
  type CapturedChild,
  type MockAnswer,
  type MockAnswers,
  type MockOptions,
  type RecordedResource,
} from "./testing/mocks.js";
export { OutputNotResolvedError, outputOf, type OutputOfOptions } from "./testing/outputs.js";
export { late, lateErrors } from "./testing/late.js";
export { callPresets, presets, proxmoxTypes } from "./testing/presets.js";
