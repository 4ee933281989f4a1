# Admin Center. `make help` lists the targets.
GO ?= go

.PHONY: help run test generate build bench fuzz vet fmt

help: ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

# make run takes its settings from the environment (ADMINCENTER_ADDR, ADMINCENTER_DATA, …), or from
# ADDR=host:port and DATA=folder on the command line.
run: generate ## serve in development mode (ADMINCENTER_ADDR, default 127.0.0.1:8080; data in ./data)
	$(GO) run ./cmd/admincenter serve --dev $(if $(ADDR),--addr $(ADDR)) $(if $(DATA),--data $(DATA))

# The store's tests run twice: on SQLite, then on PostgreSQL (a throwaway cluster of Debian's
# postgresql; without it those skip, unless REQUIRE_POSTGRES=1).
test: node_modules/.installed ## run every test (needs Debian's chromium, npm and postgresql)
	$(GO) test -race -count=1 ./...
	TEST_DATABASE=postgres $(GO) test -race -count=1 ./internal/store/

# axe-core, pinned in package-lock.json, checks every main page for accessibility in the journeys.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks are skipped (REQUIRE_BROWSER=1 makes them fail)"; fi

generate: ## regenerate templ components
	$(GO) tool templ generate

build: generate ## build bin/admincenter
	$(GO) build -o bin/admincenter ./cmd/admincenter

bench: ## Go benchmarks and the load script against a seeded server
	$(GO) test -run '^$$' -bench . -benchmem ./internal/store/
	$(GO) test -run '^$$' -bench APIListAccounts -benchtime 2000x -benchmem ./web/
	$(GO) test -run '^$$' -bench SignInTiming -benchtime 1x ./web/
	bash scripts/bench.sh

FUZZTIME ?= 20s
fuzz: ## run each fuzz target for FUZZTIME (not part of make test)
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

vet: ## go vet
	$(GO) vet ./...

fmt: ## gofmt the tree
	gofmt -w $$(git ls-files '*.go')
