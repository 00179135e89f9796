import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rule, type ArgsConform, type FirewallGroupArgs as ContractArgs } from "@hearth/core";
import { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
import { captureChildren, expectRefused, installMocks, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(resetMocks);

describe("FirewallGroup", () => {
  it("creates one cluster security group with the rules mapped to Proxmox fields", async () => {
    const { transformation, children } = captureChildren();
    const group = new FirewallGroup(
      "web",
      {
        rules: [
          rule.allowIn({ protocol: "tcp", ports: [443, 80], portRanges: [{ from: 8100, to: 8200 }] }),
          rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24", "10.0.0.5"] }),
          rule.dropOut({ to: ["+blocked"] }),
        ],
      },
      { transformations: [transformation] },
    );
    expect(await value(group.groupId)).toBe("web");
    expect(await value(group.groupName)).toBe("web");
    await settle();
    const [sg] = recordedOf(types.group);
    expect(sg?.name).toBe("web");
    expect(sg?.inputs.name).toBe("web");
    expect(sg?.inputs.rules).toEqual([
      { type: "in", action: "ACCEPT", proto: "tcp", dport: "80,443,8100:8200", enabled: true },
      { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", source: "192.168.1.0/24,10.0.0.5/32", enabled: true },
      { type: "out", action: "DROP", dest: "+blocked", enabled: true },
    ]);
    expect(children).toHaveLength(1);
    expect(children[0]?.opts.parent).toBe(group);
  });

  it("uses an explicit group name and description (the contract's words)", async () => {
    const group = new FirewallGroup("ssh-from-lan", { name: "ssh_lan", description: "SSH from the LAN", rules: [rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] })] });
    expect(await value(group.groupId)).toBe("ssh_lan");
    await settle();
    expect(recordedOf(types.group)[0]?.inputs).toMatchObject({ name: "ssh_lan", comment: "SSH from the LAN" });
  });

  it("takes the contract's FirewallGroupArgs under the contract's names (compile-time)", () => {
    const conforms: ArgsConform<ContractArgs, FirewallGroupArgs> = true;
    expect(conforms).toBe(true);
  });

  it("still reads the deprecated groupName and comment", async () => {
    const group = new FirewallGroup("old-words", { groupName: "old_lan", comment: "kept", rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    expect(await value(group.groupId)).toBe("old_lan");
    await settle();
    expect(recordedOf(types.group)[0]?.inputs).toMatchObject({ name: "old_lan", comment: "kept" });
  });

  it("reports every problem at once", async () => {
    const error = await expectRefused(
      () => new FirewallGroup("bad", { name: "9", description: "a\nb", rules: [rule.allowIn({ protocol: "tcp", ports: [0] }), rule.allowIn({ protocol: "tcp", ports: [22] })] }),
      /^FirewallGroup "bad": 3 problems:/,
    );
    expect(error.problems.map((p) => p.field)).toEqual(["name", "rules[0].ports[0]", "description"]);
  });

  it.each([
    ["an empty rule set", { rules: [] }, /rules \[\] is not valid; give at least one rule/],
    ["a malformed port range", { rules: [rule.allowIn({ protocol: "tcp", portRanges: [{ from: 9000, to: 80 }] })] }, /rules\[0\]\.portRanges\[0\]/],
    ["a malformed CIDR", { rules: [rule.allowIn({ protocol: "tcp", ports: [22], from: ["10.0.0.0/33"] })] }, /sources\[0\]/],
    ["a group mixed with addresses", { rules: [rule.allowIn({ from: ["+lan", "10.0.0.0/8"] })] }, /one group \(IPSet\) reference alone/],
    ["IPv4 and IPv6 in one rule", { rules: [rule.allowIn({ from: ["10.0.0.0/8", "2001:db8::/32"] })] }, /cannot mix IPv4 and IPv6/],
    ["the Proxmox UI open to the world in a port range", { rules: [rule.allowIn({ protocol: "tcp", portRanges: [{ from: 8000, to: 8100 }] })] }, /the Proxmox UI and API \(8006\)/],
    ["SSH open to the world in two halves over two rules", { rules: [rule.allowIn({ protocol: "udp", ports: [22], from: ["0.0.0.0/1"] }), rule.allowIn({ protocol: "any", from: ["128.0.0.0/1"] })] }, /SSH \(22\)/],
    ["a source with host bits", { rules: [rule.allowIn({ protocol: "tcp", ports: [443], from: ["10.0.0.5/8"] })] }, /did you mean 10\.0\.0\.0\/8\?/],
    ["a too long group name", { name: "a-very-long-group-name", rules: [rule.allowIn({})] }, /name "a-very-long-group-name"/],
    ["both name and the deprecated groupName", { name: "a1", groupName: "a2", rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] }, /groupName "a2" .*give only name/],
  ])("refuses %s and creates nothing", async (_label, args, message) => {
    await expectRefused(() => new FirewallGroup("bad", args as never), message);
  });

  it("refuses a component name that is not a valid Proxmox group name when no name is given", () => {
    expect(() => new FirewallGroup("9lives", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] })).toThrow(/FirewallGroup "9lives": name "9lives"/);
  });
});
