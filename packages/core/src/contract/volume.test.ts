import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateVmVolumes, validateVolumeArgs } from "./volume.js";

describe("validateVolumeArgs", () => {
  it("accepts every size from 1 GB up to the limit, with each file system", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 * 1024 }), fc.constantFrom("ext4", "xfs" as const), (sizeGb, filesystem) => {
        expect(validateVolumeArgs("Volume data", { sizeGb, filesystem })).toEqual([]);
      }),
    );
  });

  it("reports every broken field at once", () => {
    const problems = validateVolumeArgs("Volume data", { sizeGb: 0, filesystem: "ntfs" as never, deleteProtection: "yes" as never, name: "Data_1" });
    expect(problems.map((p) => p.field).sort()).toEqual(["deleteProtection", "filesystem", "name", "sizeGb"]);
  });

  it("refuses sizes that are not whole positive GB", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 10, noInteger: true })), (sizeGb) => {
        expect(validateVolumeArgs("Volume data", { sizeGb }).map((p) => p.field)).toEqual(["sizeGb"]);
      }),
    );
  });
});

describe("validateVmVolumes", () => {
  it("accepts volumes with distinct absolute mount paths", () => {
    expect(validateVmVolumes("VmFromTemplate web", [{ volumeId: "1", mountPath: "/srv/data" }, { volumeId: "2" }])).toEqual([]);
  });

  it("refuses relative, root, parent-escaping and repeated mount paths, and missing ids", () => {
    const problems = validateVmVolumes("VmFromTemplate web", [
      { volumeId: "1", mountPath: "srv" },
      { volumeId: "2", mountPath: "/" },
      { volumeId: "3", mountPath: "/srv/../etc" },
      { volumeId: "4", mountPath: "/data" },
      { volumeId: "5", mountPath: "/data/" },
      { mountPath: "/x" },
    ]);
    expect(problems.map((p) => p.field)).toEqual(["volumes[0].mountPath", "volumes[1].mountPath", "volumes[2].mountPath", "volumes[4].mountPath", "volumes[5].volumeId"]);
  });
});
