import { describe, expect, it } from "vitest";
import { diskSpeedPaths, withDiskSpeedIgnored } from "./diskSpeed.js";

describe("diskSpeedPaths", () => {
  it.each<[number, string[]]>([
    [0, []],
    [1, ["disks[0].speed"]],
    [3, ["disks[0].speed", "disks[1].speed", "disks[2].speed"]],
  ])("%i disks -> %j", (count, paths) => {
    expect(diskSpeedPaths(count)).toEqual(paths);
  });
});

describe("withDiskSpeedIgnored", () => {
  it.each<[readonly string[] | undefined, number, string[]]>([
    [undefined, 1, ["disks[0].speed"]],
    [[], 2, ["disks[0].speed", "disks[1].speed"]],
    [["description"], 1, ["description", "disks[0].speed"]],
    [["disks[0].speed", "tags"], 2, ["disks[0].speed", "tags", "disks[1].speed"]],
  ])("user %j with %i disks -> %j", (user, count, expected) => {
    expect(withDiskSpeedIgnored(user, count)).toEqual(expected);
  });
});
