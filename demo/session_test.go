package demo

import (
	"encoding/json"
	"testing"
	"time"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSessionRuns(t *testing.T) {
	s, err := New(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunTo(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if st.Leader == 0 {
		t.Fatalf("no working leader after 2s: %s", mustJSON(t, st))
	}
	t.Logf("events %d, messages in flight %d", st.Event, len(st.Messages))
}
