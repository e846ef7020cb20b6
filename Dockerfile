# syntax=docker/dockerfile:1
# The tests never build this image: these machines have no Docker engine.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# A static binary: time zones come from time/tzdata inside it.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/vimbiso ./cmd/vimbiso

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vimbiso /vimbiso
USER nonroot:nonroot
ENV VIMBISO_ADDR=:8000
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/vimbiso", "health", "--url", "http://127.0.0.1:8000/healthz"]
ENTRYPOINT ["/vimbiso"]
CMD ["serve"]
