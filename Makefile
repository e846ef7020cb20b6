# vimbiso: the credex WhatsApp bot.
GO      ?= go
BIN     ?= bin/vimbiso
PKGS    ?= ./...
# How many inputs each fuzz target tries in `make test`; `make fuzz FUZZTIME=5m`
# digs deeper. A count, not a duration, because Go 1.26's fuzzing engine can
# fail a target with "context deadline exceeded" when a duration ends on a
# busy machine, having found nothing.
FUZZTIME ?= 50000x
# package:target pairs of every fuzz target.
FUZZ_TARGETS = ./transport:FuzzDecodeWebhook ./transport:FuzzDecodeCredExEvent \
	./transport:FuzzDecodeWebhookGenerated ./transport:FuzzWebhookScanner ./transport:FuzzCredExFastPath \
	./fsm:FuzzParseAmount ./fsm:FuzzParseQuick ./fsm:FuzzParseDueDate ./fsm:FuzzQuickCommandStep

.PHONY: help build test test-deps fuzz bench lint run docker clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build the vimbiso binary into bin/
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/vimbiso

test: test-deps ## install what the tests need when missing, then run every test with -race and each fuzz target briefly
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	@$(MAKE) --no-print-directory fuzz

fuzz: ## run each fuzz target for FUZZTIME (default 50000 inputs) on its seed corpus and new inputs
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

test-deps: ## install what the tests need when missing: redis-server, promtool, chromium (Debian packages)
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v promtool >/dev/null 2>&1 || missing="$$missing prometheus"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@for tool in redis-server promtool chromium; do \
		command -v $$tool >/dev/null 2>&1 || { echo "$$tool is still missing: install it from Debian's packages" >&2; exit 1; }; \
	done

bench: test-deps build ## run the Go benchmarks and the load workloads; figures go to bench/ (12 to 15 minutes)
	mkdir -p bench
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -timeout 30m $(PKGS) | tee bench/go-bench.txt
	rm -f bench/results.jsonl
	$(BIN) load --workload w1,w2 --users 32 --duration 15s --runs 3 --out bench/results.jsonl | tee bench/load.txt
	$(BIN) load --workload w1,w2 --users 32 --duration 15s --runs 3 --fsync everysec --out bench/results.jsonl | tee -a bench/load.txt
	$(BIN) load --workload w3 --users 32 --duration 15s --runs 3 --out bench/results.jsonl | tee -a bench/load.txt
	$(BIN) load --workload w3 --users 256 --duration 15s --runs 3 --out bench/results.jsonl | tee -a bench/load.txt
	$(BIN) load --workload w4 --users 200 --rate 2000 --count 20000 --runs 3 --out bench/results.jsonl | tee -a bench/load.txt
	$(BIN) load --workload mem --users 10000 --out bench/results.jsonl | tee -a bench/load.txt
	$(BIN) load --workload w2 --users 32 --duration 15s --cpuprofile bench/profile | tee bench/profile-w2.txt
	$(GO) tool pprof -top -cum -nodecount 60 $(BIN) bench/profile-w2-1.prof >> bench/profile-w2.txt

lint: ## run go vet and check formatting
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed on:"; gofmt -l .; exit 1; }

run: ## run the bot with mock WhatsApp, mock CredEx and an embedded Redis (vimbiso dev)
	$(GO) run ./cmd/vimbiso dev

docker: ## build the container image (needs a Docker engine)
	docker build -t vimbiso .

clean: ## remove build output
	rm -rf bin
