# The action's image: one static Go binary on a distroless base.
#
# Releases are built from this file for linux/amd64 and linux/arm64 and
# published, and action.yml in a release points at that image by digest, so
# users pull it and never build. On the default branch action.yml says
# `image: Dockerfile`, and the runner builds this file for the runner's own
# architecture (people who pin a commit of main get that).

# The build stage runs on the builder's platform and cross-compiles for the
# target one, so a multi-platform build needs no emulation for Go. BuildKit
# sets BUILDPLATFORM, TARGETOS and TARGETARCH; left empty, Go builds for the
# machine it runs on.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static, stripped binary: no libc needed, no symbol tables or paths of the
# build machine inside. The binary embeds the time zone database (time/tzdata
# in main.go), so the timezone input works on any base image.
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
	go build -trimpath -ldflags "-s -w" -o /intelligems-health .

# distroless/static has CA certificates (for the Intelligems API and Slack),
# zone files, /etc/passwd and /tmp, and no shell or package manager.
#
# The image has no USER line on purpose: it runs as root. The Actions runner
# creates the GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files as its own user with
# mode 0644 and never passes --user to docker run, so only root inside the
# container can write the outputs and the job summary. (For the same reason
# this is the default tag, not :nonroot.)
FROM gcr.io/distroless/static-debian12
COPY --from=build /intelligems-health /intelligems-health
ENTRYPOINT ["/intelligems-health"]
