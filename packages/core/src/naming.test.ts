import { describe, expect, it } from "vitest";
import { failFor } from "./errors.js";
import { checkHostname, checkLabels, childName, hearthLabels, labelsToTags } from "./naming.js";
import { resolveVmSize, vmSizes } from "./sizing.js";

const fail = failFor("VmFromTemplate", "web");

describe("names and labels", () => {
  it("derives child names from the component name", () => {
    expect(childName("web")).toBe("web");
    expect(childName("web", "disk", 1)).toBe("web-disk-1");
  });

  it.each(["web-1", "a", "x".repeat(63)])("accepts host name %s", (name) => expect(checkHostname(fail, "name", name)).toBe(name));
  it.each(["Web", "-web", "web-", "web_1", "x".repeat(64), ""])("refuses host name %j", (name) => {
    expect(() => checkHostname(fail, "name", name)).toThrow(/lowercase letters/);
  });

  it("puts Hearth's labels under the user's and always marks managed-by", () => {
    expect(hearthLabels("VmFromTemplate", { env: "prod", "hearth/managed-by": "me" })).toEqual({
      "hearth/component": "VmFromTemplate",
      env: "prod",
      "hearth/managed-by": "hearth",
    });
  });

  it("turns labels into sorted, flat tags", () => {
    expect(labelsToTags({ "hearth/role": "ingress", Env: "Prod", "hearth/stack": "home" })).toEqual([
      "env-prod",
      "hearth-role-ingress",
      "hearth-stack-home",
    ]);
  });

  it("checks label keys and values", () => {
    expect(() => checkLabels(fail, "labels", { "hearth/role": "ingress" })).not.toThrow();
    expect(() => checkLabels(fail, "labels", { "bad key": "x" })).toThrow(/labels\.bad key/);
    expect(() => checkLabels(fail, "labels", { env: "has space" })).toThrow(/label values/);
  });
});

describe("VM sizes", () => {
  it("resolves named sizes and checks explicit ones", () => {
    expect(resolveVmSize(fail, "size", "medium")).toEqual(vmSizes.medium);
    expect(resolveVmSize(fail, "size", { cores: 2, memoryMb: 2048 })).toEqual({ cores: 2, memoryMb: 2048 });
  });

  it.each([
    ["huge", /size "huge"/],
    [{ cores: 0, memoryMb: 1024 }, /size\.cores 0/],
    [{ cores: 2, memoryMb: -1 }, /size\.memoryMb -1/],
    [{ cores: 2.5, memoryMb: 1024 }, /size\.cores/],
  ])("refuses %j", (size, message) => {
    expect(() => resolveVmSize(fail, "size", size as never)).toThrow(message);
  });
});
