package topology

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// PresetNames are the built-in region presets (topology/presets/NAME.yaml), for --regions.
var PresetNames = []string{"aws3", "aws5"}

// Preset returns the built-in region preset name over nodes nodes: a topology file without a node
// count, whose regions list no nodes, so that node i is in region (i-1) mod R. def supplies the link
// fields the preset leaves out (its bandwidth and loss). Each preset names, in its comments, where
// every latency comes from.
func Preset(name string, nodes int, def Link) (*Graph, error) {
	data, err := PresetFile(name)
	if err != nil {
		return nil, err
	}
	if nodes < 1 || nodes > MaxFileNodes {
		return nil, fmt.Errorf("topology: preset %s: %d nodes not in [1,%d]", name, nodes, MaxFileNodes)
	}
	b := builder{name: "preset " + name, maxNodes: MaxFileNodes, nodes: int64(nodes)}
	f, err := decodeYAML(data, b.name)
	if err != nil {
		return nil, err
	}
	return b.build(f, def)
}

// PresetFile returns the text of the built-in region preset name.
func PresetFile(name string) ([]byte, error) {
	for _, p := range PresetNames {
		if p == name {
			return presetFS.ReadFile("presets/" + name + ".yaml")
		}
	}
	return nil, fmt.Errorf("topology: unknown region preset %q (want %s)", name, strings.Join(PresetNames, " or "))
}
