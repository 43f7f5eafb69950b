# Build the example federation and run the test suite. Both targets work
# on a fresh Debian machine with Go installed; `make test` installs what
# the tests need (Chromium, axe-core, PostgreSQL, jq) and starts PostgreSQL.

GO      ?= go
BIN     := bin/verbund

.PHONY: build test vet clean bench

build: $(BIN)
	$(BIN) build -config sites.toml

$(BIN): $(shell find . -name '*.go' -not -path './bin/*') go.mod go.sum
	$(GO) build -o $(BIN) ./cmd/verbund

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

test: vet
	scripts/test.sh

bench:
	bench/build.sh

clean:
	rm -rf bin public
