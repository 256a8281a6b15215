package fault

import "fmt"

// Repair (the kind) ends every fault at its time and lets none fire after it, so that the rest of the
// run is a liveness phase: the cluster, whole again, must elect a leader and commit. What it ends, the
// cluster defines (cluster/repair.go): every cut, crash (of a member), pause, disk stall, slow disk,
// message filter and link flap, and the loss, duplication and reordering of every link. Operator
// actions (transfer, add, remove, replace) still run after it; clock rates and per-node CPU and disk
// settings are part of the world, not faults, and stay. Only the first repair of a run counts.

// ParseRepair reads "T": the one instant at which every fault is repaired. A list is refused: a second
// repair would do nothing, since no fault fires after the first.
func ParseRepair(s string) ([]Event, error) {
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	if len(list) > 1 {
		return nil, fmt.Errorf("%q: one time only: no fault fires after a repair, so a second one does nothing", s)
	}
	d, err := parseTime(list[0])
	if err != nil {
		return nil, fmt.Errorf("%q: %w", list[0], err)
	}
	return []Event{{At: d, Kind: Repair}}, nil
}
