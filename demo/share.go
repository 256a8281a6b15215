package demo

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// The share string: "v1." followed by the unpadded base64url of the deflated JSON of shared. Every
// character is URL-fragment safe ([A-Za-z0-9._-]).
const shareVersion = "v1."

// MaxShared bounds a share string and its inflated JSON.
const (
	MaxShareLen  = 64 << 10
	MaxShareJSON = 256 << 10
)

type shared struct {
	Settings *Settings `json:"s"`
	Actions  []Action  `json:"a"`
	NowMs    float64   `json:"t"`
	Event    uint64    `json:"k"` // events fired by then: a session stepped to an instant has fired some of its events
}

// Encode returns the session's share string: its settings, its actions and its clock.
func (s *Session) Encode() string {
	return Encode(s.set, s.Actions(), s.now.Duration(), s.c.Loop().Fired())
}

// Encode returns the share string of settings, actions and a position: an instant and the events
// fired by then.
func Encode(set Settings, actions []Action, now time.Duration, events uint64) string {
	if actions == nil {
		actions = []Action{}
	}
	js, err := json.Marshal(shared{Settings: &set, Actions: actions, NowMs: nsToMs(now), Event: events})
	if err != nil {
		panic("demo: encode: " + err.Error()) // plain structs of numbers and strings always marshal
	}
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(js)
	w.Close()
	return shareVersion + base64.RawURLEncoding.EncodeToString(b.Bytes())
}

// Decode reads a share string (with or without a leading '#') and checks everything in it: the
// version, the encoding, the settings (through cluster.Config.Validate), every action and the
// instant. The error names the field.
func Decode(str string) (set Settings, actions []Action, now time.Duration, events uint64, err error) {
	str = strings.TrimPrefix(str, "#")
	if len(str) > MaxShareLen {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: share: %d characters: at most %d", len(str), MaxShareLen)
	}
	if !strings.HasPrefix(str, shareVersion) {
		return Settings{}, nil, 0, 0, errors.New(`demo: share: want a string starting "v1."`)
	}
	raw, err := base64.RawURLEncoding.DecodeString(str[len(shareVersion):])
	if err != nil {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: share: not base64url: %w", err)
	}
	js, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), MaxShareJSON+1))
	if err != nil {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: share: not deflate: %w", err)
	}
	if len(js) > MaxShareJSON {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: share: inflates beyond %d bytes", MaxShareJSON)
	}
	var sh shared
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sh); err != nil {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: share: %w", err)
	}
	if dec.More() {
		return Settings{}, nil, 0, 0, errors.New("demo: share: data after the JSON")
	}
	if sh.Settings == nil {
		return Settings{}, nil, 0, 0, errors.New("demo: share: s: settings missing")
	}
	set = *sh.Settings
	if _, err := set.Config(); err != nil {
		return Settings{}, nil, 0, 0, err
	}
	if len(sh.Actions) > MaxActions {
		return Settings{}, nil, 0, 0, fmt.Errorf("demo: actions: %d: at most %d", len(sh.Actions), MaxActions)
	}
	for i, a := range sh.Actions {
		if err := a.check(fmt.Sprintf("actions[%d]", i), set.N, set.DurationMs); err != nil {
			return Settings{}, nil, 0, 0, err
		}
	}
	if err := checkMs("t", sh.NowMs, 0, set.DurationMs); err != nil {
		return Settings{}, nil, 0, 0, err
	}
	return set, sh.Actions, msToNs(sh.NowMs), sh.Event, nil
}

// Open starts the session a share string describes, positioned at its instant.
func Open(str string) (*Session, error) {
	set, actions, now, events, err := Decode(str)
	if err != nil {
		return nil, err
	}
	s, err := newSession(set, actions)
	if err != nil {
		return nil, err
	}
	if err := s.SeekEvent(events); err != nil {
		return nil, err
	}
	if sim.Time(now) > s.now {
		s.runTo(sim.Time(now))
	}
	return s, nil
}

// UnmarshalSettings reads settings JSON strictly (an unknown field is an error); fields left out keep
// set's values, so pass Defaults() to fill them. The settings are checked when a session starts.
func UnmarshalSettings(js []byte, set *Settings) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(set); err != nil {
		return fmt.Errorf("demo: settings: %w", err)
	}
	return nil
}

// UnmarshalAction reads an action's JSON strictly; it is checked when it is applied.
func UnmarshalAction(js []byte) (Action, error) {
	var a Action
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return Action{}, fmt.Errorf("demo: action: %w", err)
	}
	return a, nil
}
