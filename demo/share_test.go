package demo

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"strings"
	"testing"
)

// share builds a share string from raw JSON, for the tests of bad input.
func share(js string) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write([]byte(js))
	w.Close()
	return shareVersion + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

const goodSettings = `{"n":3,"seed":1,"electionMinMs":150,"electionMaxMs":300,"heartbeatMs":0,"latencyMinMs":10,"latencyMaxMs":20,"loss":0,"preVote":false,"checkQuorum":false,"clients":0,"durationMs":60000}`

// TestDecodeRejects: every kind of bad share string is one error naming what is wrong.
func TestDecodeRejects(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"empty", "", `starting "v1."`},
		{"other version", "v2.abc", `starting "v1."`},
		{"not base64", "v1.@@@", "not base64url"},
		{"not deflate", "v1." + base64.RawURLEncoding.EncodeToString([]byte("hello")), "not deflate"},
		{"not json", share("{"), "demo: share:"},
		{"unknown field", share(`{"s":` + goodSettings + `,"a":[],"t":0,"x":1}`), `unknown field "x"`},
		{"no settings", share(`{"a":[],"t":0}`), "s: settings missing"},
		{"bad n", share(`{"s":` + strings.Replace(goodSettings, `"n":3`, `"n":10`, 1) + `,"a":[],"t":0}`), "n: 10"},
		{"bad loss", share(`{"s":` + strings.Replace(goodSettings, `"loss":0`, `"loss":2`, 1) + `,"a":[],"t":0}`), "loss: 2"},
		{"timeout below cluster's minimum", share(`{"s":` + strings.Replace(goodSettings, `"electionMinMs":150`, `"electionMinMs":0.0001`, 1) + `,"a":[],"t":0}`), "electionMinMs"},
		{"max below min", share(`{"s":` + strings.Replace(goodSettings, `"electionMaxMs":300`, `"electionMaxMs":100`, 1) + `,"a":[],"t":0}`), "election-timeout"},
		{"bad kind", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"explode"}],"t":0}`), `actions[0].kind: "explode"`},
		{"node out of range", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"crash","node":4}],"t":0}`), "actions[0].node: 4"},
		{"stray field", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"heal","node":1}],"t":0}`), "actions[0].node: not a field of a heal"},
		{"self link", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"cut","node":1,"to":1}],"t":0}`), "actions[0].to: 1"},
		{"node in two groups", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"partition","groups":[[1],[1,2]]}],"t":0}`), "node 1 is in two groups"},
		{"action after the end", share(`{"s":` + goodSettings + `,"a":[{"atMs":70000,"kind":"heal"}],"t":0}`), "actions[0].atMs: 70000"},
		{"negative time", share(`{"s":` + goodSettings + `,"a":[],"t":-1}`), "t: -1"},
		{"time after the end", share(`{"s":` + goodSettings + `,"a":[],"t":60001}`), "t: 60001"},
		{"zero-length pause", share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"pause","node":1}],"t":0}`), "actions[0].forMs"},
		{"trailing data", share(`{"s":` + goodSettings + `,"a":[],"t":0} {}`), "data after the JSON"},
		{"inflates too far", share(`{"s":` + goodSettings + `,"a":[],"t":0,"pad":"` + strings.Repeat(" ", MaxShareJSON) + `"}`), "inflates beyond"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, _, err := Decode(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "demo: ") {
				t.Fatalf("Decode: %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
		})
	}
}

// TestShareIsFragmentSafe: a share string has only characters a URL fragment takes as they are.
func TestShareIsFragmentSafe(t *testing.T) {
	for _, sc := range Scenarios() {
		str := Encode(sc.Settings, sc.Actions, msToNs(sc.EndMs), 12345)
		if i := strings.IndexFunc(str, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
		}); i >= 0 {
			t.Fatalf("%s: %q at %d", sc.Name, str[i], i)
		}
		set, actions, now, k, err := Decode("#" + str)
		if err != nil || now != msToNs(sc.EndMs) || k != 12345 || set != sc.Settings || len(actions) != len(sc.Actions) {
			t.Fatalf("%s: round trip: %v", sc.Name, err)
		}
	}
}

// FuzzDecode: no input makes Decode panic or accept what it cannot re-encode to the same thing.
func FuzzDecode(f *testing.F) {
	for _, sc := range Scenarios() {
		f.Add(Encode(sc.Settings, sc.Actions, 0, 0))
	}
	f.Add(share(`{"s":` + goodSettings + `,"a":[{"atMs":1,"kind":"partition","groups":[[1],[2]]}],"t":5}`))
	f.Add("v1.")
	f.Fuzz(func(t *testing.T, s string) {
		set, actions, now, k, err := Decode(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "demo: ") {
				t.Fatalf("error without the package's prefix: %v", err)
			}
			return
		}
		again := Encode(set, actions, now, k)
		set2, actions2, now2, k2, err := Decode(again)
		if err != nil || set2 != set || now2 != now || k2 != k || len(actions2) != len(actions) {
			t.Fatalf("accepted %q but its re-encoding does not decode the same: %v", s, err)
		}
	})
}
