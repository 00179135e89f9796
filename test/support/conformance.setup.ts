import { afterAll, afterEach } from "vitest";
import { assertAllConformant, watchSandboxes } from "./conformance.js";

// Every test that starts a sandbox fails if an exchange departed from the official API
// descriptions (docs/sandbox.md, Conformance). This runs after the test's own teardown, so a
// sandbox stopped there is still checked; one kept across tests is checked after each test
// for what that test added.
watchSandboxes();
afterEach(assertAllConformant);
afterAll(assertAllConformant);
