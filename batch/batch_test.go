package batch_test

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/batch"
)

func ExampleShell() {
	s := batch.Sweep{Binary: "/opt/raftsim", Spec: "/home/me/my spec.yaml", Trials: "50", Shards: 4,
		Out: "/scratch/results", Dir: "/scratch/results.shards"}
	fmt.Println(batch.Shell(s.ShardArgs(batch.Var("SLURM_ARRAY_TASK_ID"), "2")))
	fmt.Println(batch.Shell(s.MergeArgs()))
	// Output:
	// /opt/raftsim sweep '/home/me/my spec.yaml' --trials 50 --shard "${SLURM_ARRAY_TASK_ID}"/4 --out /scratch/results.shards/shard-"${SLURM_ARRAY_TASK_ID}" --resume --workers 2 --quiet
	// /opt/raftsim merge /scratch/results /scratch/results.shards/shard-1 /scratch/results.shards/shard-2 /scratch/results.shards/shard-3 /scratch/results.shards/shard-4
}

// TestShellRoundTrip has a real shell split each quoted line back into words: every word comes back
// as it was, a '$' in a literal word is not expanded, and a Var is.
func TestShellRoundTrip(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	words := []string{"plain", "with space", "it's", `dollar $HOME and "quotes"`, "", "back\\slash", "new\nline", "*?[]", "a" + batch.Var("X") + "b"}
	line := batch.Shell(words)
	out, err := exec.Command(sh, "-c", `X='x y'; for w in `+line+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	want := append(words[:len(words)-1:len(words)-1], "ax yb")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sh split %s\ninto %q\nwant %q", line, got, want)
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"fig16": "fig16", "/a/My_Spec.v2.yaml": "my-spec-v2", "__.yaml": "sweep"} {
		if got := batch.Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
