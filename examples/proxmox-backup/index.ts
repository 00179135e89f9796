import { BackupPolicy } from "@hearth/proxmox";

// Every night at 02:00, snapshot-mode backups of two VMs to the "backups" storage, keeping
// 7 daily, 4 weekly and 6 monthly archives.
const nightly = new BackupPolicy("nightly", {
  schedule: "*-*-* 02:00",
  storage: "backups",
  vmIds: [3001, 3002],
  retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 },
});

export const jobId = nightly.jobId;
