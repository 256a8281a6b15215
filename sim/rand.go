package sim

import (
	"math/rand/v2"
	"strconv"
)

// Stream returns the random stream called name under the root seed: a PCG generator seeded with the root
// and a hash of the name. Streams with different names are independent for practical purposes, and a
// stream's draws depend only on (root, name), never on which other streams exist or how far they have
// been drawn. Name streams by what draws from them: "node/3", "link/1->2", "chaos".
func Stream(root uint64, name string) *rand.Rand {
	return rand.New(rand.NewPCG(mix(root), mix(hashString(name))))
}

// StreamN is Stream(root, name+"/"+strconv.Itoa(i)).
func StreamN(root uint64, name string, i int) *rand.Rand {
	return Stream(root, name+"/"+strconv.Itoa(i))
}

// Derive returns a seed derived from root and the given parts, for seeding a nested run (a trial of an
// experiment, say) whose draws must depend only on what the parts say and not on when or where it runs.
func Derive(root uint64, parts ...string) uint64 {
	h := mix(root)
	for _, p := range parts {
		h = mix(h ^ hashString(p))
	}
	return h
}

// hashString is 64-bit FNV-1a; it is stable across Go versions and machines, unlike hash/maphash.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is the SplitMix64 finaliser: it spreads nearby inputs (seeds 1, 2, 3) over the whole range.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
