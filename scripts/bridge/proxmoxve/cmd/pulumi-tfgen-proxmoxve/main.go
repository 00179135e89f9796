// pulumi-tfgen-proxmoxve writes the Pulumi package schema (schema.json) and bridge-metadata.json of
// Hearth's bridged proxmoxve provider: pulumi-tfgen-proxmoxve schema --out DIR --skip-docs --skip-examples
package main

import (
	"context"

	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	proxmoxve "hearth.local/bridge/proxmoxve"
)

func main() {
	pftfgen.MainWithMuxer(proxmoxve.Package, proxmoxve.Info(context.Background()))
}
