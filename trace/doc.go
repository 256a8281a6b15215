// Package trace reads the traces raftsim writes (`raftsim run --trace FILE`, `raftsim sweep SPEC
// --point P --trial K --trace FILE`, `raftsim replay --trace FILE`): JSON Lines, one event per line,
// described in docs/trace.md.
//
// A Reader streams a trace one line at a time, so its memory is bounded by the longest line, which is
// at most MaxLine bytes: a longer line, a line that is not a JSON object, or one with a field of the
// wrong type is an *Error naming the line. Fields and kinds this package does not know are tolerated
// (the format only ever adds them): an unknown `ev` is an Event of KindUnknown with its text in Ev.
//
// Traces start with a header line, {"t":0,"ev":"trace","version":1,"nodes":N,"clients":C,"seed":S},
// that names the format version and the endpoints of the run. Traces written before the header was
// added have none; their Info is inferred from the events (Info.Inferred): a client's request names its
// endpoint and its client number, which gives the node count exactly, and otherwise the largest node
// ID seen stands for it. A header with a version newer than Version is refused, since the reader cannot
// know what such a trace means.
//
// A Filter selects events by node, kind, message type and time window, as `raftsim trace show` and
// `raftsim trace msc` do; package msc draws events as a message-sequence chart.
package trace
