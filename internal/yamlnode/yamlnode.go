// Package yamlnode holds what the strict YAML readers of the project (topology files, experiment specs)
// share: they walk go.yaml.in/yaml/v3 nodes themselves, so that every error can name its line and field.
package yamlnode

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Describe names what a node is, for "want X, got Y" messages: "a mapping", "string \"x\"", "integer 5".
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!str":
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		}
		// A tag of the file's own (!x) and its value, quoted: either may hold a line break, and an
		// error is one line.
		return fmt.Sprintf("%q %q", n.ShortTag(), n.Value)
	}
	return "an unexpected YAML node"
}
