package trace

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReader: any input ends in io.EOF or one *Error naming a line that was read, never a panic, and
// the events before it carry their line numbers in order. scripts/fuzz finds this target.
func FuzzReader(f *testing.F) {
	f.Add([]byte(`{"t":0,"ev":"trace","version":1,"nodes":3,"clients":1,"seed":1}` + "\n" +
		`{"t":5,"ev":"send","from":1,"to":2,"type":"vote","term":2,"index":0,"log_term":0,"bytes":40}` + "\n"))
	f.Add([]byte(`{"t":1,"ev":"request","from":4,"to":1,"client":1,"seq":1}`))
	f.Add([]byte("{\"t\":1}\n\n[]"))
	f.Add([]byte(`{"t":0,"ev":"trace","version":2,"nodes":3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		lines := bytes.Count(data, []byte("\n")) + 1
		for n := 1; ; n++ {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var te *Error
				if !errors.As(err, &te) || te.Line != n || te.Line > lines {
					t.Fatalf("error %v on line %d of %d", err, n, lines)
				}
				return
			}
			if e.Line != n {
				t.Fatalf("event on line %d, want %d", e.Line, n)
			}
			_ = r.Info()
		}
	})
}
