import { BackupJob, VmFromTemplate } from "@hearth/proxmox";

// Backups point from the VM to its policy: this VM creates its own vzdump job, every night at
// 02:00 in snapshot mode to the "backups" storage, keeping 7 daily, 4 weekly and 6 monthly
// archives. The same `backups` value means the same thing on every provider.
const db = new VmFromTemplate("db-1", {
  node: "pve1",
  template: { vmId: 9000, diskSizeGb: 10 },
  vmId: 3001,
  backups: { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } },
});

// A job for a whole resource pool (every guest in it, whoever created it), weekly.
const lab = new BackupJob("lab-weekly", {
  schedule: "sun 03:30",
  storage: "backups",
  pool: "lab",
  retention: { keepWeekly: 4 },
});

export const dbVmId = db.vmId;
export const poolJobId = lab.jobId;
