// Package proxmoxve is Hearth's own mapping of the upstream Terraform provider
// github.com/bpg/terraform-provider-proxmox onto Pulumi, through the Pulumi Terraform bridge. It
// exists because the module proxy refuses the published pulumi-proxmoxve provider module; the npm
// SDK @muhlba91/pulumi-proxmoxve stays the SDK that programs use, so the tokens and property names
// produced here must be exactly the SDK's (test/engine/bridge-tokens.mjs compares them).
//
// This is NOT the published pulumi-resource-proxmoxve binary: it is the upstream Terraform provider
// at the version the published plugin wraps, bridged with this mapping. See docs/engine.md.
package proxmoxve

import (
	"context"
	_ "embed"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode"

	"github.com/bpg/terraform-provider-proxmox/fwprovider"
	sdkprovider "github.com/bpg/terraform-provider-proxmox/proxmoxtf/provider"
	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Version is the Pulumi package version (the npm version of @muhlba91/pulumi-proxmoxve), set at
// build time: -ldflags "-X hearth.local/bridge/proxmoxve.Version=8.6.0".
var Version string

// Package is the Pulumi package name of every token: "proxmoxve:<module>/<file>:<Name>".
const Package = "proxmoxve"

const upstreamModule = "github.com/bpg/terraform-provider-proxmox"

//go:embed bridge-metadata.json
var metadata []byte

// upstreamVersion is the version of the upstream module linked in (for the provider's user agent).
func upstreamVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == upstreamModule {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	return "unknown"
}

// Info is the bridge mapping. The upstream provider has resources on the plugin SDK v2 (the older
// proxmox_virtual_environment_* ones) and on the plugin framework; the bridge muxes both.
func Info(ctx context.Context) tfbridge.ProviderInfo {
	muxed := pfbridge.MuxShimWithPF(ctx,
		shimv2.NewProvider(sdkprovider.ProxmoxVirtualEnvironment()),
		fwprovider.New(upstreamVersion())())
	p := tfbridge.ProviderInfo{
		P:            muxed,
		Name:         "proxmox", // Terraform resource names start with proxmox_
		Version:      Version,
		Description:  "Proxmox VE (upstream terraform-provider-proxmox, bridged by Hearth).",
		License:      "MPL-2.0 (upstream provider)",
		GitHubOrg:    "bpg",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		Resources:    idOverrides(muxed),
	}
	p.MustComputeTokens(tfbridge.Strategy{
		Resource: func(tf string, r *tfbridge.ResourceInfo) error {
			mod, name, err := moduleAndName(tf)
			if err == nil && r.Tok == "" {
				r.Tok = tfbridge.MakeResource(Package, mod, name)
			}
			return err
		},
		DataSource: func(tf string, d *tfbridge.DataSourceInfo) error {
			mod, name, err := moduleAndName(tf)
			if err == nil && d.Tok == "" {
				d.Tok = tfbridge.MakeDataSource(Package, mod, "get"+name)
			}
			return err
		},
	})
	p.SetAutonaming(255, "-")
	return p
}

// moduleAndName applies the npm SDK's (v8) naming: a Terraform name is split on "_" after its
// prefix; the last word is the type name, the words before it the module ("index" when there are
// none). proxmox_virtual_environment_<x> names get a "Legacy" suffix, proxmox_<x> names do not:
//
//	proxmox_virtual_environment_vm                          -> index, VmLegacy
//	proxmox_download_file                                   -> download, File
//	proxmox_virtual_environment_cluster_firewall_security_group -> cluster/firewall/security, GroupLegacy
func moduleAndName(tf string) (string, string, error) {
	var rest, suffix string
	switch {
	case strings.HasPrefix(tf, "proxmox_virtual_environment_"):
		rest, suffix = strings.TrimPrefix(tf, "proxmox_virtual_environment_"), "Legacy"
	case strings.HasPrefix(tf, "proxmox_"):
		rest = strings.TrimPrefix(tf, "proxmox_")
	default:
		return "", "", fmt.Errorf("proxmoxve: unexpected Terraform name %q", tf)
	}
	words := strings.Split(rest, "_")
	last := words[len(words)-1]
	mod := "index"
	if len(words) > 1 {
		mod = strings.Join(words[:len(words)-1], "/")
	}
	if last == "" || unicode.IsDigit(rune(last[0])) || unicode.IsDigit(rune(mod[0])) {
		return "", "", fmt.Errorf("proxmoxve: cannot name %q", tf)
	}
	return mod, strings.ToUpper(last[:1]) + last[1:] + suffix, nil
}

// bridgeDefaultID lists the resources with a user-chosen "id" for which the npm SDK keeps the
// bridge's default renaming ("<resource>_id", e.g. sdnControllerEvpnId) instead of "resourceId".
var bridgeDefaultID = map[string]bool{"proxmox_sdn_controller_evpn": true}

// idOverrides: Pulumi reserves "id" for the resource ID. Where the Terraform "id" is not a
// computed-only string (a user-chosen ID such as a backup job's, or a number), the npm SDK calls
// the attribute "resourceId" and the Pulumi ID is its value as a string.
func idOverrides(p shim.Provider) map[string]*tfbridge.ResourceInfo {
	out := map[string]*tfbridge.ResourceInfo{}
	p.ResourcesMap().Range(func(name string, r shim.Resource) bool {
		id, ok := r.Schema().GetOk("id")
		if !ok || bridgeDefaultID[name] ||
			(id.Type() == shim.TypeString && id.Computed() && !id.Optional() && !id.Required()) {
			return true
		}
		out[name] = &tfbridge.ResourceInfo{
			Fields:    map[string]*tfbridge.SchemaInfo{"id": {Name: "resourceId", Type: "string"}},
			ComputeID: idFrom("resourceId"),
		}
		return true
	})
	return out
}

func idFrom(key resource.PropertyKey) tfbridge.ComputeID {
	return func(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
		v, ok := state[key]
		switch {
		case ok && v.IsNumber():
			return resource.ID(strconv.FormatInt(int64(v.NumberValue()), 10)), nil
		case ok && v.IsString() && v.StringValue() != "":
			return resource.ID(v.StringValue()), nil
		default:
			return "", fmt.Errorf("proxmoxve: resource state has no usable %q (got %v)", key, v)
		}
	}
}
