# Build a static binary, then ship it alone with CA certificates.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /intelligems-health .

# The final image has no USER line on purpose: the Actions runner creates the
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files as its own user with mode 0644
# and never passes --user, so only root inside the container can write them.
FROM gcr.io/distroless/static-debian12
COPY --from=build /intelligems-health /intelligems-health
ENTRYPOINT ["/intelligems-health"]
