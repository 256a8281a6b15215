package trace

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestReader(t *testing.T) {
	long := `{"t":1,"ev":"fault","kind":"crash","node":1,"desc":"` + strings.Repeat("x", MaxLine) + `"}`
	tests := []struct {
		name    string
		in      string
		want    []Event // Line, T, Ev, Kind and the fields the case is about
		errLine int     // 0: no error
		errHas  string
		info    Info
	}{
		{name: "empty", in: "", info: Info{Inferred: true}},
		{name: "header", in: `{"t":0,"ev":"trace","version":1,"nodes":5,"clients":2,"seed":7}` + "\n",
			want: []Event{{Line: 1, Ev: "trace", Kind: KindHeader, Version: 1, Nodes: 5, Clients: 2, Seed: 7}},
			info: Info{Version: 1, Nodes: 5, Clients: 2, Seed: 7}},
		{name: "state", in: `{"t":1500,"ev":"state","node":3,"state":"candidate","term":4,"lead":0}`,
			want: []Event{{Line: 1, T: 1500, Ev: "state", Kind: KindState, Node: 3, State: "candidate", Term: 4}},
			info: Info{Nodes: 3, Inferred: true}},
		{name: "send app", in: `{"t":2,"ev":"send","from":1,"to":3,"type":"app","term":2,"index":12,"log_term":2,"commit":11,"entries":3,"bytes":420}`,
			want: []Event{{Line: 1, T: 2, Ev: "send", Kind: KindSend, From: 1, To: 3, Type: "app", Term: 2, Index: 12, LogTerm: 2, Commit: 11, Entries: 3, Bytes: 420}},
			info: Info{Nodes: 3, Inferred: true}},
		{name: "rejected app_resp", in: `{"t":2,"ev":"deliver","from":3,"to":1,"type":"app_resp","term":2,"index":12,"reject":true,"hint":9,"hint_term":1}`,
			want: []Event{{Line: 1, T: 2, Ev: "deliver", Kind: KindDeliver, From: 3, To: 1, Type: "app_resp", Term: 2, Index: 12, Reject: true, Hint: 9, HintTerm: 1}},
			info: Info{Inferred: true}},
		{name: "drop", in: `{"t":3,"ev":"drop","from":1,"to":2,"type":"vote","term":3,"index":0,"log_term":0,"reason":"loss"}`,
			want: []Event{{Line: 1, T: 3, Ev: "drop", Kind: KindDrop, From: 1, To: 2, Type: "vote", Term: 3, Reason: "loss"}},
			info: Info{Inferred: true}},
		{name: "persist with and without hard state",
			in: `{"t":4,"ev":"persist","node":2,"seq":1,"term":3,"vote":2,"released":2}` + "\n" + `{"t":5,"ev":"persist","node":2,"seq":2,"first":4,"last":6,"released":0}` + "\n",
			want: []Event{{Line: 1, T: 4, Ev: "persist", Kind: KindPersist, Node: 2, Seq: 1, Term: 3, HardState: true, Vote: 2, Released: 2},
				{Line: 2, T: 5, Ev: "persist", Kind: KindPersist, Node: 2, Seq: 2, First: 4, Last: 6}},
			info: Info{Nodes: 2, Inferred: true}},
		{name: "fault of no node", in: `{"t":5,"ev":"fault","kind":"partition","desc":"5s:1,2|3"}`,
			want: []Event{{Line: 1, T: 5, Ev: "fault", Kind: KindFault, Fault: "partition", Desc: "5s:1,2|3"}},
			info: Info{Inferred: true}},
		{name: "client request gives the node count", in: `{"t":0,"ev":"request","from":7,"to":3,"client":2,"seq":1}`,
			want: []Event{{Line: 1, Ev: "request", Kind: KindRequest, From: 7, To: 3, Client: 2, Seq: 1}},
			info: Info{Nodes: 5, Clients: 2, Inferred: true}},
		{name: "op", in: `{"t":9,"ev":"op","client":1,"seq":3,"read":true,"key":2,"value":5,"prev":0,"ok":true,"invoke":4,"complete":9,"attempts":1}`,
			want: []Event{{Line: 1, T: 9, Ev: "op", Kind: KindOp, Client: 1, Seq: 3, Read: true, Key: 2, Value: 5, OK: true, Invoke: 4, Complete: 9, Attempts: 1}},
			info: Info{Clients: 1, Inferred: true}},
		{name: "violation", in: `{"t":9,"ev":"violation","invariant":"election safety","detail":"two leaders","seed":4}`,
			want: []Event{{Line: 1, T: 9, Ev: "violation", Kind: KindViolation, Invariant: "election safety", Detail: "two leaders", Seed: 4}},
			info: Info{Inferred: true}},
		{name: "unknown kind and field are kept", in: `{"t":9,"ev":"gossip","node":2,"colour":"red"}` + "\r\n",
			want: []Event{{Line: 1, T: 9, Ev: "gossip", Kind: KindUnknown, Node: 2}},
			info: Info{Inferred: true}},
		{name: "no final newline", in: "{\"t\":1,\"ev\":\"commit\",\"node\":1,\"index\":2}\n{\"t\":2,\"ev\":\"commit\",\"node\":1,\"index\":3}",
			want: []Event{{Line: 1, T: 1, Ev: "commit", Kind: KindCommit, Node: 1, Index: 2}, {Line: 2, T: 2, Ev: "commit", Kind: KindCommit, Node: 1, Index: 3}},
			info: Info{Nodes: 1, Inferred: true}},

		{name: "not JSON", in: "{\"t\":1,\"ev\":\"commit\",\"node\":1,\"index\":2}\nhello\n", errLine: 2, errHas: "not a JSON object",
			want: []Event{{Line: 1, T: 1, Ev: "commit", Kind: KindCommit, Node: 1, Index: 2}}},
		{name: "half a line", in: `{"t":1,"ev":"comm`, errLine: 1, errHas: "not a JSON object"},
		{name: "empty line", in: "\n", errLine: 1, errHas: "an empty line"},
		{name: "an array", in: "[1,2]\n", errLine: 1, errHas: "not a JSON object"},
		{name: "no time", in: `{"ev":"commit"}`, errLine: 1, errHas: `no "t"`},
		{name: "negative time", in: `{"t":-1,"ev":"commit"}`, errLine: 1, errHas: "negative"},
		{name: "no kind", in: `{"t":1}`, errLine: 1, errHas: `no "ev"`},
		{name: "wrong type", in: `{"t":1,"ev":"commit","node":"one"}`, errLine: 1, errHas: `"node": want a uint64, got a JSON string`},
		{name: "negative node", in: `{"t":1,"ev":"commit","node":-1}`, errLine: 1, errHas: `"node"`},
		{name: "newer version", in: `{"t":0,"ev":"trace","version":99,"nodes":3,"clients":0}`, errLine: 1, errHas: "format version 99"},
		{name: "header with no nodes", in: `{"t":0,"ev":"trace","version":1,"nodes":0,"clients":0}`, errLine: 1, errHas: "0 nodes"},
		{name: "late header", in: "{\"t\":0,\"ev\":\"commit\",\"node\":1,\"index\":1}\n{\"t\":0,\"ev\":\"trace\",\"version\":1,\"nodes\":3}\n", errLine: 2, errHas: "after the first line",
			want: []Event{{Line: 1, Ev: "commit", Kind: KindCommit, Node: 1, Index: 1}}},
		{name: "huge line", in: "{\"t\":0,\"ev\":\"commit\",\"node\":1,\"index\":1}\n" + long + "\n", errLine: 2, errHas: "longer than",
			want: []Event{{Line: 1, Ev: "commit", Kind: KindCommit, Node: 1, Index: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			var got []Event
			var err error
			for {
				var e Event
				if e, err = r.Next(); err != nil {
					break
				}
				got = append(got, e)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d events %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
			if tt.errLine == 0 {
				if err != io.EOF {
					t.Fatalf("err %v, want io.EOF", err)
				}
				if r.Info() != tt.info {
					t.Errorf("info %+v, want %+v", r.Info(), tt.info)
				}
				return
			}
			var te *Error
			if !errors.As(err, &te) || te.Line != tt.errLine || !strings.Contains(err.Error(), tt.errHas) ||
				!strings.HasPrefix(err.Error(), "trace: line ") {
				t.Fatalf("err %v, want a trace error on line %d with %q", err, tt.errLine, tt.errHas)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			if _, again := r.Next(); again != err {
				t.Errorf("next after an error: %v, want it again", again)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	events := []Event{
		{T: 0, Kind: KindState, Node: 1},
		{T: 1 * time.Second, Kind: KindSend, From: 1, To: 2, Type: "vote"},
		{T: 2 * time.Second, Kind: KindDeliver, From: 1, To: 3, Type: "app"},
		{T: 3 * time.Second, Kind: KindFault, Fault: "partition"},
		{T: 3 * time.Second, Kind: KindFault, Fault: "crash", Node: 3},
		{T: 4 * time.Second, Kind: KindOp, Client: 1},
		{T: 4 * time.Second, Kind: KindRequest, From: 6, To: 2},
	}
	tests := []struct {
		name string
		f    *Filter
		want []int
	}{
		{"nil", nil, []int{0, 1, 2, 3, 4, 5, 6}},
		{"zero", &Filter{}, []int{0, 1, 2, 3, 4, 5, 6}},
		{"node 2", &Filter{Nodes: []uint64{2}}, []int{1, 3, 6}},
		{"node 3", &Filter{Nodes: []uint64{3}}, []int{2, 3, 4}},
		{"kinds", &Filter{Kinds: []Kind{KindState, KindFault}}, []int{0, 3, 4}},
		{"types", &Filter{Types: []string{"vote", "request"}}, []int{0, 1, 3, 4, 5, 6}},
		{"window", &Filter{From: time.Second, To: 3 * time.Second}, []int{1, 2, 3, 4}},
		{"from only", &Filter{From: 4 * time.Second}, []int{5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for i := range events {
				if tt.f.Match(&events[i]) {
					got = append(got, i)
				}
			}
			if !equal(got, tt.want) {
				t.Errorf("matched %v, want %v", got, tt.want)
			}
		})
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseLists(t *testing.T) {
	if n, err := ParseNodes("1, 3"); err != nil || len(n) != 2 || n[1] != 3 {
		t.Errorf("ParseNodes: %v, %v", n, err)
	}
	if k, err := ParseKinds("state,fault"); err != nil || len(k) != 2 || k[1] != KindFault {
		t.Errorf("ParseKinds: %v, %v", k, err)
	}
	for _, bad := range []string{"", ",", "1,", "0", "x", "-1", "9999999", strings.Repeat("9", 1000), "1@1s"} {
		if _, err := ParseNodes(bad); err == nil || !strings.HasPrefix(err.Error(), "trace: ") || len(err.Error()) > 200 {
			t.Errorf("ParseNodes(%.20q): %v", bad, err)
		}
	}
	for _, bad := range []string{"", "trace", "unknown", "state,,fault", "sends"} {
		if _, err := ParseKinds(bad); err == nil {
			t.Errorf("ParseKinds(%q) accepted", bad)
		}
	}
	if _, err := ParseTypes("vote,appendentries"); err == nil || !strings.Contains(err.Error(), `"appendentries"`) {
		t.Errorf("ParseTypes: %v", err)
	}
}

func TestFilterCheck(t *testing.T) {
	info := Info{Version: 1, Nodes: 3, Clients: 1}
	if err := (&Filter{Nodes: []uint64{4}}).Check(info); err != nil {
		t.Errorf("client endpoint 4: %v", err)
	}
	if err := (&Filter{Nodes: []uint64{5}}).Check(info); err == nil || !strings.Contains(err.Error(), "node 5") {
		t.Errorf("node 5 of 3+1: %v", err)
	}
	if err := (&Filter{Nodes: []uint64{5}}).Check(Info{Nodes: 3, Inferred: true}); err != nil {
		t.Errorf("inferred: %v", err)
	}
	if err := (&Filter{From: 2 * time.Second, To: time.Second}).Check(info); err == nil {
		t.Error("a window that ends before it starts was accepted")
	}
}
