// Package workload models the clients of the replicated store: closed-loop clients that write to the
// node they believe leads, follow redirects, and retry on timeout.
//
// A client has one operation outstanding at a time. It sends the operation to its guess of the leader;
// a node that is not the leader answers with a redirect (and the leader it knows of, if any); a node
// that does not answer within the attempt timeout is skipped for the next one. Retries carry the same
// sequence number, so the store applies the write once however often it reaches the log. An operation
// that has not succeeded by its deadline counts as failed and the client moves on to the next one.
//
// Every operation's invoke and completion times, outcome and observed value are handed to a Recorder,
// so a history can be checked or measured afterwards.
package workload
