//go:build js && wasm

// Command wasm is the browser simulator's engine: package demo compiled to WebAssembly, exposed to
// JavaScript as the global object raftsim. Every function returns a JSON string, or
// {"error": "..."} on bad input; sessions are named by number. /work/wt/demo-api.md and docs/demo.md
// give the API.
//
//	GOOS=js GOARCH=wasm go build -o demo/site/static/raftsim.wasm ./demo/wasm
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"

	"github.com/raftsim/raftsim/demo"
)

var (
	sessions = map[int]*demo.Session{}
	nextID   = 1
)

func jsonOf(v any) js.Value {
	b, err := json.Marshal(v)
	if err != nil {
		return errorOf(err)
	}
	return js.ValueOf(string(b))
}

func errorOf(err error) js.Value {
	b, _ := json.Marshal(map[string]string{"error": err.Error()})
	return js.ValueOf(string(b))
}

func add(s *demo.Session) js.Value {
	id := nextID
	nextID++
	sessions[id] = s
	return js.ValueOf(id)
}

func msArg(v js.Value) (time.Duration, error) {
	if v.Type() != js.TypeNumber {
		return 0, fmt.Errorf("demo: ms: want a number")
	}
	f := v.Float()
	if f != f || f < 0 || f > demo.MaxDurationMs {
		return 0, fmt.Errorf("demo: ms: %v: want 0 to %d", f, demo.MaxDurationMs)
	}
	return time.Duration(f*1e6 + 0.5), nil
}

// session wraps fn, a call on the session named by args[0], so that a bad id, bad arguments or a
// panic become {"error"}.
func session(fn func(s *demo.Session, args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) (res any) {
		defer func() {
			if r := recover(); r != nil {
				res = errorOf(fmt.Errorf("demo: internal error: %v", r))
			}
		}()
		if len(args) < 1 || args[0].Type() != js.TypeNumber {
			return errorOf(fmt.Errorf("demo: id: want a session id"))
		}
		s, ok := sessions[args[0].Int()]
		if !ok {
			return errorOf(fmt.Errorf("demo: id: no session %v", args[0].Int()))
		}
		v, err := fn(s, args[1:])
		if err != nil {
			return errorOf(err)
		}
		if str, ok := v.(string); ok {
			return js.ValueOf(str)
		}
		return jsonOf(v)
	})
}

func strArg(args []js.Value, name string) (string, error) {
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return "", fmt.Errorf("demo: %s: want a string", name)
	}
	return args[0].String(), nil
}

func stateAfter(err error, s *demo.Session) (any, error) {
	if err != nil {
		return nil, err
	}
	return s.State(), nil
}

func main() {
	api := map[string]any{
		"version":   "1",
		"defaults":  js.FuncOf(func(js.Value, []js.Value) any { return jsonOf(demo.Defaults()) }),
		"scenarios": js.FuncOf(func(js.Value, []js.Value) any { return jsonOf(demo.Scenarios()) }),
		"new": js.FuncOf(func(_ js.Value, args []js.Value) any {
			set := demo.Defaults() // fields left out keep their defaults
			str, err := strArg(args, "settings")
			if err == nil {
				err = demo.UnmarshalSettings([]byte(str), &set)
			}
			if err != nil {
				return errorOf(err)
			}
			s, err := demo.New(set)
			if err != nil {
				return errorOf(err)
			}
			return add(s)
		}),
		"open": js.FuncOf(func(_ js.Value, args []js.Value) any {
			str, err := strArg(args, "fragment")
			if err != nil {
				return errorOf(err)
			}
			s, err := demo.Open(str)
			if err != nil {
				return errorOf(err)
			}
			return add(s)
		}),
		"scenario": js.FuncOf(func(_ js.Value, args []js.Value) any {
			name, err := strArg(args, "name")
			if err != nil {
				return errorOf(err)
			}
			s, err := demo.OpenScenario(name)
			if err != nil {
				return errorOf(err)
			}
			return add(s)
		}),
		"close": js.FuncOf(func(_ js.Value, args []js.Value) any {
			if len(args) > 0 && args[0].Type() == js.TypeNumber {
				delete(sessions, args[0].Int())
			}
			return js.Undefined()
		}),
		"step": session(func(s *demo.Session, args []js.Value) (any, error) {
			n := 1
			if len(args) > 0 && args[0].Type() == js.TypeNumber {
				n = args[0].Int()
			}
			return stateAfter(s.Step(n), s)
		}),
		"runTo": session(func(s *demo.Session, args []js.Value) (any, error) {
			if len(args) < 1 {
				return nil, fmt.Errorf("demo: ms: missing")
			}
			t, err := msArg(args[0])
			if err != nil {
				return nil, err
			}
			return stateAfter(s.RunTo(t), s)
		}),
		"seek": session(func(s *demo.Session, args []js.Value) (any, error) {
			if len(args) < 1 {
				return nil, fmt.Errorf("demo: ms: missing")
			}
			t, err := msArg(args[0])
			if err != nil {
				return nil, err
			}
			return stateAfter(s.Seek(t), s)
		}),
		"seekEvent": session(func(s *demo.Session, args []js.Value) (any, error) {
			if len(args) < 1 || args[0].Type() != js.TypeNumber || args[0].Float() < 0 {
				return nil, fmt.Errorf("demo: k: want a number of events")
			}
			return stateAfter(s.SeekEvent(uint64(args[0].Float())), s)
		}),
		"act": session(func(s *demo.Session, args []js.Value) (any, error) {
			a, err := actionArg(args)
			if err != nil {
				return nil, err
			}
			return stateAfter(s.Act(a), s)
		}),
		"schedule": session(func(s *demo.Session, args []js.Value) (any, error) {
			a, err := actionArg(args)
			if err != nil {
				return nil, err
			}
			return stateAfter(s.Schedule(a), s)
		}),
		"state":    session(func(s *demo.Session, _ []js.Value) (any, error) { return s.State(), nil }),
		"actions":  session(func(s *demo.Session, _ []js.Value) (any, error) { return s.Actions(), nil }),
		"settings": session(func(s *demo.Session, _ []js.Value) (any, error) { return s.Settings(), nil }),
		"encode":   session(func(s *demo.Session, _ []js.Value) (any, error) { return s.Encode(), nil }),
	}
	js.Global().Set("raftsim", js.ValueOf(api))
	select {} // keep the functions alive
}

func actionArg(args []js.Value) (demo.Action, error) {
	str, err := strArg(args, "action")
	if err != nil {
		return demo.Action{}, err
	}
	return demo.UnmarshalAction([]byte(str))
}
