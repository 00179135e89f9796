// A read of a volume by an id not known yet at preview (a volume created in the same run): how
// the DigitalOcean VmFromTemplate reads each volume for its name and region. No DigitalOcean
// plugin runs here, so the engine's handling of such a read is checked with the hcloud one.
import * as hcloud from "@pulumi/hcloud";

const volume = new hcloud.Volume("made", { name: "made", size: 10, location: "fsn1" });
const read = hcloud.Volume.get("read", volume.id);

export const readName = read.name;
