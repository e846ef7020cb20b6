# vimbiso: the credex WhatsApp bot.
GO      ?= go
BIN     ?= bin/vimbiso
PKGS    ?= ./...

.PHONY: help build test test-deps bench lint run docker clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build the vimbiso binary into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/vimbiso

test: test-deps ## install what the tests need when missing, then run every test with -race
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

test-deps: ## install Debian's redis-server when it is missing
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "installing redis-server (Debian package)"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	}
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server is still missing: install Debian's redis-server package" >&2; exit 1; }

bench: test-deps ## run the benchmarks with allocation counts
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

lint: ## run go vet and check formatting
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }

run: ## run the bot with mock WhatsApp, mock CredEx and an embedded Redis (vimbiso dev)
	$(GO) run ./cmd/vimbiso dev

docker: ## build the container image (needs a Docker engine)
	docker build -t vimbiso .

clean: ## remove build output
	rm -rf bin
