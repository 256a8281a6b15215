// Package workload models the clients of the replicated store: closed-loop clients that write to the
// node they believe leads, follow redirects, and retry on timeout.
//
// A client has one operation outstanding at a time. It sends the operation to its guess of the leader;
// a node that is not the leader answers with a redirect (and the leader it knows of, if any). Retries
// carry the same sequence number, so the store applies the write once however often it reaches the
// log. An operation that has not succeeded by its deadline counts as failed and the client moves on to
// the next one.
//
// # Which node a client tries
//
// The retry policy is that of etcd's Go client (go.etcd.io/etcd/client/v3) where etcd's servers and
// ours agree, and that of the Raft paper's clients (Ongaro & Ousterhout 2014, §8) where they differ:
//
//   - Endpoints in the client's own round-robin order. etcd's client hands its endpoints to gRPC's
//     round_robin balancer (client/v3/internal/resolver sets the service config
//     {"loadBalancingPolicy": "round_robin"}), whose picker starts at a random index and then takes the
//     endpoints in turn; the Raft paper's clients start at a randomly chosen server and, when a request
//     times out, "try again with randomly-chosen servers". Here each client draws one random permutation
//     of the nodes from its own stream when it starts, sends its first request to the first node in it,
//     and whenever it must choose a node by itself takes the next one in that order, round and round.
//     Which node comes after which is thus uniform over the others and never follows the nodes' numbers:
//     renumbering the nodes of a scenario leaves every client's behaviour the same in distribution.
//   - A timeout moves the client on, never straight back. A node that does not answer within the attempt
//     timeout becomes the client's suspect: the client turns to the next node in its order (passing over
//     the suspect), and does not follow a redirect to the suspect until it has turned to every other node
//     once or a write succeeds. Without this rule a leader cut off in a minority, and a follower on its side
//     that still names it, would hold the client between them for the whole partition.
//   - A redirect to a named leader is followed at once. Raft servers reject a request they cannot serve
//     and "supply information about the most recent leader [they have] heard from" (§8); that name is
//     the cluster's, not an artefact of numbering. A redirect is not a round-robin pick and does not move
//     the client's place in its order. etcd's servers instead forward a follower's proposal to the leader
//     themselves, and answer "etcdserver: no leader" when they know of none; our nodes do not forward, so
//     a redirect stands for that forwarding hop. A node that knows no leader, or names itself but no longer
//     leads, sends the client to the next node in its order after a short backoff (Config.Backoff), as
//     etcd's retry interceptor waits a backoff between attempts.
//   - Closed loop, and retried until the deadline. etcd's client does not retry a write on its own once
//     a connection was made (client/v3/retry.go, isSafeRetryMutableRPC: only "there is no address
//     available" is safe), to keep writes at most once; the application retries. Our clients are that
//     application: every write carries a client ID and sequence number the store deduplicates, so
//     retrying is safe, and the client retries until Config.Deadline. After a success the next write
//     goes to the node that acknowledged the last one (a leader-aware client; etcd's balancer would move
//     on, and the server forward).
//
// Every random choice — the order of the endpoints and the keys written — comes from the client's own
// stream: the order is drawn once, at Start, before the first key.
//
// # Reads
//
// With Config.ReadRatio above 0, each operation is a read with that probability (drawn from the
// client's stream before its key): a read of one key, which the node serves by ReadIndex or lease
// (raft/read.go) without writing to the log, and answers with the value. A read goes where a write
// goes, and follows redirects and retries the same way; with Config.SpreadReads each read first goes
// to the next node in the client's order, for a follower to serve by asking its leader.
//
// # Optional models
//
// Config.OpenLoop makes a client wait to be handed each operation (Issue) rather than start the next
// when the last completes: an open-loop arrival process outside decides when operations come, and the
// clients bound how many are outstanding. Config.Zipf draws keys from a Zipf distribution and
// Config.Sizes each write's payload size from a distribution, each from a stream of its own
// (SetStreams); the client still draws its uniform key from its own stream, so that with either model
// on, every other draw of the client is what it was.
//
// Config.ThinkDist draws each think time from a distribution, from a stream of its own
// (SetThinkStream), instead of the constant Config.Think; the client's own stream is untouched.
//
// Config.RoundRobin swaps the redirect rule for etcd's: a refusal is never followed to the leader it
// names; the client pauses Config.Backoff and takes the next node in its order, and stays with a node
// while it answers, as a pinned endpoint of etcd's balancer. With our nodes refusing rather than
// forwarding, a client finds the leader after up to n-1 refusals.
//
// Every operation's invoke and completion times, outcome and observed value (for a write, the value it
// replaced; for a read, the value read) are handed to a Recorder, so a history can be checked or
// measured afterwards.
package workload
