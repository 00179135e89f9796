// pulumi-resource-proxmoxve is the resource provider plugin: the upstream Terraform provider served
// through the Pulumi Terraform bridge with the schema that pulumi-tfgen-proxmoxve generated.
package main

import (
	"context"
	_ "embed"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	proxmoxve "hearth.local/bridge/proxmoxve"
)

// schema.json from pulumi-tfgen-proxmoxve with "version" set; written by scripts/toolchain.sh in its
// build copy (the committed file is a placeholder and the plugin refuses to start with it).
//
//go:embed schema-embed.json
var schema []byte

func main() {
	ctx := context.Background()
	pftfbridge.MainWithMuxer(ctx, proxmoxve.Package, proxmoxve.Info(ctx), schema)
}
