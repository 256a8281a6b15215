// Package msc draws a trace as a message-sequence chart, in SVG: the nodes (and, if asked, the
// clients) as vertical lifelines, time flowing down, each message an arrow from its send to its
// delivery, a lost message an arrow ending in a cross, each role change marked on its node (a
// candidate's and a leader's term; the lifeline of a leader drawn thick, of a crashed node dashed),
// and the faults across the chart. It is the picture of why an election took six terms.
//
// Time flows down by event, not to scale: each distinct time at which something drawn happened is a
// row, labelled with its time in ms, so that a 300 ms election timeout with nothing in it takes no more
// room than a 1 ms round trip; a gap of more than GapMark between rows is marked with its length.
//
// A chart shows a window of the run: Options.From and To, or by default the first election (from the
// start until the first leader has heard back from a follower). At most Options.MaxMessages messages
// are drawn, the first ones sent; the chart says when it cut. The SVG is written by hand (the chart is
// lines, arrows and text: a plotting library's axes would not help), deterministically: the same
// events give the same bytes.
//
// Collect reads only what a chart needs from a trace, so that charting the start of a trace of
// millions of events does not hold them all.
package msc
