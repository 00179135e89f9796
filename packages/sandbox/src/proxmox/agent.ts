import type { Router } from "../router.js";
import type { PveContext } from "./context.js";
import { splitProp, str } from "./props.js";
import type { PveVm } from "../state.js";

/** The address the guest agent reports: the static ipconfig if set, else a deterministic 10.x "DHCP lease". */
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join(".");

/**
 * The address the guest agent reports for `net<index>`: the static `ipconfig` address if set;
 * on an SDN vnet with a subnet, a "DHCP lease" from its dhcp-range (or the subnet); otherwise a
 * deterministic 10.x address (inside 10.0.0.0/8 every x.y.z is a host, so vmids never collide).
 */
export function guestAddress(
  vmid: number,
  index: number,
  config: Record<string, string | number>,
  subnetOfBridge: (bridge: string) => Record<string, string | number> | undefined = () => undefined,
): { ip: string; prefix: number } {
  const ipconfig = str(config[`ipconfig${index}`]);
  const staticIp = ipconfig ? /(?:^|,)ip=(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(ipconfig) : null;
  if (staticIp) return { ip: staticIp[1]!, prefix: Number(staticIp[2]) };
  const bridge = /(?:^|,)bridge=([^,]+)/.exec(str(config[`net${index}`]) ?? "")?.[1];
  const subnet = bridge ? subnetOfBridge(bridge) : undefined;
  if (subnet && typeof subnet.cidr === "string") {
    const [network = "0.0.0.0", bits = "24"] = subnet.cidr.split("/");
    const prefix = Number(bits);
    const range = /start-address=([\d.]+),end-address=([\d.]+)/.exec(String(subnet["dhcp-range"] ?? ""));
    if (range) {
      const start = ipToInt(range[1]!);
      const size = ipToInt(range[2]!) - start + 1;
      return { ip: intToIp(start + (vmid % Math.max(size, 1))), prefix };
    }
    const hosts = 2 ** (32 - prefix) - 2;
    return { ip: intToIp(ipToInt(network) + 2 + (vmid % Math.max(hosts - 2, 1))), prefix };
  }
  return { ip: `10.${index}.${(vmid >> 8) & 0xff}.${vmid & 0xff}`, prefix: 8 };
}

/** The QEMU guest agent (qemu-server src/PVE/API2/Qemu/Agent.pm). */
export function registerAgent(r: Router, c: PveContext): void {
  const { phys, scaled, pve, fail, ok, vmid, getVm, agentEnabled } = c;
  /**
   * qemu-server src/PVE/QemuServer/Agent.pm `assert_agent_available`: no `agent` in the config,
   * the VM not running, or the agent not answering `guest-ping` (`qga_check_running`): here,
   * until the guest has booted (`bootMs` after the start) or when the agent option is off.
   */
  const agentReady = (vm: PveVm): void => {
    if (vm.config.agent === undefined) fail(500, "No QEMU guest agent configured");
    if (vm.status !== "running") fail(500, `VM ${vm.vmid} is not running`);
    const booted = (vm.startedAt ?? 0) + scaled(phys.bootMs) <= Date.now();
    if (!agentEnabled(vm) || !booted) fail(500, "QEMU guest agent is not running");
  };

  r.post("/nodes/:node/qemu/:vmid/agent/ping", (q) => {
    agentReady(getVm(q.params.node!, q.params.vmid));
    return ok({ result: {} });
  });
  r.get("/nodes/:node/qemu/:vmid/agent/network-get-interfaces", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    agentReady(vm);
    const result: Record<string, unknown>[] = [
      {
        name: "lo",
        "hardware-address": "00:00:00:00:00:00",
        "ip-addresses": [
          { "ip-address-type": "ipv4", "ip-address": "127.0.0.1", prefix: 8 },
          { "ip-address-type": "ipv6", "ip-address": "::1", prefix: 128 },
        ],
        statistics: { "rx-bytes": 0, "rx-packets": 0, "tx-bytes": 0, "tx-packets": 0, "rx-errs": 0, "tx-errs": 0, "rx-dropped": 0, "tx-dropped": 0 },
      },
    ];
    const nets = Object.keys(vm.config).filter((k) => /^net\d+$/.test(k)).sort();
    for (const key of nets) {
      const index = Number(key.slice(3));
      const mac = splitProp(String(vm.config[key])).head.split("=")[1]?.toLowerCase() ?? "00:00:00:00:00:00";
      const { ip, prefix } = guestAddress(vm.vmid, index, vm.config, (bridge) => Object.values(pve.sdn.subnets).find((sub) => sub.vnet === bridge));
      result.push({
        name: `eth${index}`,
        "hardware-address": mac,
        "ip-addresses": [
          { "ip-address-type": "ipv4", "ip-address": ip, prefix },
          { "ip-address-type": "ipv6", "ip-address": `fe80::${mac.split(":").slice(3).join("")}`, prefix: 64 },
        ],
        statistics: { "rx-bytes": 0, "rx-packets": 0, "tx-bytes": 0, "tx-packets": 0, "rx-errs": 0, "tx-errs": 0, "rx-dropped": 0, "tx-dropped": 0 },
      });
    }
    return ok({ result });
  });
}
