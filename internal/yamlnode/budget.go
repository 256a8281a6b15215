package yamlnode

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// The limits of a Budget. MaxExpanded is the most a reader takes in from one file (readfile.SpecLimit):
// aliases may save typing, but a document read through them is never larger than one that could have
// been written out.
const (
	MaxAliases  = 10000
	MaxExpanded = 16 << 20
)

// Budget bounds what a document's aliases expand to, for the readers that follow aliases by hand as
// they walk the nodes (a yaml.Node tree shares an aliased node among its uses; it is the walk that
// expands it). Each alias followed counts once against MaxAliases, and the size of the node it names
// against MaxExpanded: the bytes of its scalars, keys included, and one for each node, the aliases
// inside it counted in their turn when the walk follows them. A few aliases nested in each other (the
// "billion laughs") and one large value quoted by thousands of aliases both run out of budget, long
// before they run out of memory: a 1 MB string quoted 2,000 times asked for 4 GB.
//
// The zero Budget is ready to use.
type Budget struct {
	aliases  int
	expanded int64
	sizes    map[*yaml.Node]int64 // memo of size: each node is measured once, however often it is named
	err      *BudgetError
}

// BudgetError says which limit a document went over, and at the alias that did.
type BudgetError struct {
	Line int // of the alias
	Msg  string
}

func (e *BudgetError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Resolve follows n, if it is an alias, to the node it names and charges the budget for it. Once the
// budget is spent it returns a node of no kind, for n and every node after it, which every reader
// refuses ("want a mapping, got an unexpected YAML node"): no value is read as though an alias past the
// budget had been null. Err then says why.
func (b *Budget) Resolve(n *yaml.Node) *yaml.Node {
	exceeded := func() *yaml.Node { return &yaml.Node{Line: n.Line} }
	for n.Kind == yaml.AliasNode {
		if b.err != nil || n.Alias == nil {
			return exceeded()
		}
		b.aliases++
		if b.aliases > MaxAliases {
			b.err = &BudgetError{Line: n.Line, Msg: fmt.Sprintf("more than %d aliases followed", MaxAliases)}
			return exceeded()
		}
		if b.expanded += b.size(n.Alias); b.expanded > MaxExpanded {
			b.err = &BudgetError{Line: n.Line, Msg: fmt.Sprintf(
				"the aliases followed so far expand to more than %d bytes (16 MiB, the most read from a file): write the values out, or quote fewer",
				MaxExpanded)}
			return exceeded()
		}
		n = n.Alias
	}
	if b.err != nil {
		return exceeded()
	}
	return n
}

// Err returns why the budget is spent, or nil.
func (b *Budget) Err() *BudgetError { return b.err }

// size is the size of n as written out, without expanding the aliases inside it: they are charged when
// followed. It saturates above MaxExpanded.
func (b *Budget) size(n *yaml.Node) int64 {
	if s, ok := b.sizes[n]; ok {
		return s
	}
	s := int64(1 + len(n.Value))
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			if s += b.size(c); s > MaxExpanded {
				s = MaxExpanded + 1
				break
			}
		}
	}
	if b.sizes == nil {
		b.sizes = map[*yaml.Node]int64{}
	}
	b.sizes[n] = s
	return s
}
