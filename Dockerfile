# The raftsim image that `raftsim k8s` manifests run (docs/batch.md):
#   docker build -t registry.example.com/raftsim:v1 .
# Build it from a git checkout: -buildvcs=true stamps the revision into the binary, and `raftsim merge`
# checks that every shard and the merge ran the same build. Not built here (no Docker engine on the
# machine this was written on): the manifests were checked against the API types, not run.

# Build stage: the same command as `make build`, so the image's raftsim is the one a checkout builds.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -buildvcs=true -o /out/raftsim ./cmd/raftsim

# Run stage: Debian slim rather than distroless, because the Indexed Job's command needs a shell to
# turn the 0-based JOB_COMPLETION_INDEX into the 1-based shard. The user is the one the manifests'
# securityContext names (65532), and fsGroup makes the claim writable by it.
FROM debian:bookworm-slim
COPY --from=build /out/raftsim /usr/local/bin/raftsim
USER 65532:65532
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/raftsim"]
