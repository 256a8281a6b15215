// Package measure turns one simulated run into the row of measures an experiment records per trial.
//
// Every measure is a float64 with its unit in its name. A measure that a run cannot define (latency
// when no write succeeded, per-operation costs when none did) is NaN; an election that had not finished
// when the run ended has downtime +Inf, so that distributions and means say so instead of hiding it.
//
// The measures, precisely:
//
//   - availability: fraction of simulated time, from 0 to the end, during which a leader held a working
//     majority (alive, and a majority of nodes, itself included, alive, in its term, following it and
//     able to exchange messages with it); NaN if the run ended at time 0.
//   - availability_after: the same over [measure_from, end]; NaN if the run ended by measure_from.
//   - success_rate: of the client writes invoked at or after measure_from, the fraction acknowledged
//     within the operation deadline.
//   - ops_ok, ops_failed: client writes acknowledged, and not acknowledged within the deadline.
//   - election_downtime_ms: mean, over the leader crashes of the run, of the time from the crash until
//     every live node follows a leader of a later term (has heard its first AppendEntries or heartbeat);
//     +Inf if an election was still unfinished at the end; NaN if no leader crashed.
//   - elections_measured: how many such elections finished.
//   - terms_per_election: mean number of terms from the crashed leader's term to the new leader's (1 when
//     the first election succeeds).
//   - split_votes: terms that ended without a leader (after the crashed leader's, before the new
//     leader's) in which two or more nodes stood as candidates (with PreVote, only nodes that won their
//     pre-vote), summed over the measured elections; NaN if none finished. At most extra_terms.
//   - extra_terms: terms that ended without a leader (terms - elections), summed the same way: true
//     splits and also the doomed campaigns of candidates whose logs are behind, which no split
//     causes. (Before split_votes was defined as above, this count was reported as split_votes.)
//   - latency_{p50,p90,p99,p999,max,mean}_ms: client send to client reply of acknowledged writes, retries
//     included (streaming histogram, relative error at most 1/128).
//   - msgs_per_op, bytes_per_op: everything sent (Raft and client traffic), per acknowledged write.
//   - leader_bytes_per_op: what leaders sent, per acknowledged write (the leader's egress).
//   - max_node_bytes_per_op: what the busiest node sent, per acknowledged write.
//   - {append,probe,heartbeat,vote,reply,client}_bytes_per_op: bytes by traffic class, per acknowledged
//     write: AppendEntries with entries, AppendEntries without, heartbeats, vote and pre-vote requests,
//     every Raft response, client requests and replies.
//   - commits, elections, leader_changes, max_term, events: counts from the run's summary.
//   - reads_ok: client reads answered (read_ratio above 0; NaN for a write-only workload).
//   - read_latency_{p50,p99}_ms: invoke to reply of answered reads, retries included; NaN if none.
//   - transfer_time_ms: mean, over the leadership transfers whose target was elected, of the time from
//     the request to the target's election; +Inf if a transfer was still unfinished at the end (neither
//     its target nor another node elected); NaN if none was asked for or none finished. A transfer
//     another node's election ended counts in no mean.
//   - membership_*: over the membership window, the union of the spans during which an add, remove or
//     replace event was in progress (from its firing, or the end of the one it queued behind, until the
//     leader knew its last change committed); every one NaN when no membership event fired.
//     membership_done: events carried out; membership_ms: the window's length, +Inf if an event was
//     still unfinished at the end; membership_availability: availability within the window;
//     membership_downtime_ms: the window's time without a working majority (its length less its up
//     time, comparable between windows of different lengths, unlike availability);
//     membership_latency_{p50,p99}_ms: commit latency of acknowledged writes invoked within it (NaN if
//     none); membership_bytes: everything sent within it (Raft and client traffic: the log copied to new
//     members and the traffic that went on meanwhile).
//   - recovery_ms: the time from measure_from until a stable leader committed again: until the first
//     client write acknowledged while a leader held a working majority, with no election and no loss of
//     the working majority after it to the end of the run, which must be at least
//     cluster.StableWindow (10) maximum election timeouts later; +Inf when the run ended without such a
//     leader (the cluster never settled), 0 when the leader at measure_from kept its majority and went on
//     committing at once; NaN when measure_from is 0. Leave the run a tail of at least ten election
//     timeouts after the fault, or a cluster that recovered late reads as one that never did.
//   - stale_reads: client reads served below the commit index some node had reached when the read was
//     invoked (docs/experiments.md, Measures); NaN for a write-only workload.
//   - throughput_per_s: the client writes invoked in [measure_from, end] and acknowledged by the end,
//     per second of that window (writes still outstanding at the end are missed, so it reads low by
//     about a commit latency over the window); NaN for an empty window.
//   - refused_fraction: of the open-loop arrivals (arrival_rate), the fraction refused because every
//     client had one outstanding (over the whole run); NaN for closed-loop clients or no arrival.
//   - regionK_{latency_p50,latency_p99,predicted,read_latency_p50,predicted_read}_ms, K from 1 to
//     MaxRegions in the topology's order of regions (NaN beyond its regions, and all NaN without
//     regions): over the operations the region's clients invoked from measure_from on, the commit
//     latency of acknowledged writes (NaN if none), the analytic commit latency for a client there
//     writing to the leader in office at the end (cluster.PredictCommit; NaN when no node led), the read
//     latency (NaN if none) and its prediction (cluster.PredictRead; NaN for a write-only workload or
//     follower reads).
package measure
