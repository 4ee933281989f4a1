# Admin Center. `make help` lists the targets.
GO ?= go
ADDR ?= 127.0.0.1:8080
DATA ?= ./data

.PHONY: help run test generate build bench fuzz vet fmt

help: ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

run: generate ## serve in development mode on 127.0.0.1:8080, data in ./data
	$(GO) run ./cmd/admincenter serve --dev --addr $(ADDR) --data $(DATA)

test: ## run every test (needs Debian's chromium for the browser journeys)
	$(GO) test -race -count=1 ./...

generate: ## regenerate templ components
	$(GO) tool templ generate

build: generate ## build bin/admincenter
	$(GO) build -o bin/admincenter ./cmd/admincenter

bench: ## Go benchmarks and the load script against a seeded server
	$(GO) test -run '^$$' -bench . -benchmem ./internal/store/
	$(GO) test -run '^$$' -bench APIListAccounts -benchtime 2000x -benchmem ./web/
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
