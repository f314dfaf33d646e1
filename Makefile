# regcred — see README.md. `make demo` shows it working end to end, `make test` runs every test.
# Three executables, installed side by side: docker-credential-regcred (the front) execs
# regcred-fetch from its own directory to renew a token it can fetch again without the engine,
# and regcred-engine for everything else.
GO        ?= go
BIN       := bin/docker-credential-regcred
ENGINE    := bin/regcred-engine
FETCHER   := bin/regcred-fetch
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck
# regctl (regclient) is a real client the e2e tests drive; they find it in
# GOPATH/bin, skip without it, and fail without it when CI=true.
REGCTL_VERSION := v0.11.7
REGCTL := $(shell $(GO) env GOPATH)/bin/regctl
# docker-credential-pass and -secretservice (github.com/docker/docker-credential-helpers, the
# version go.sum pins) are the real helpers the `helper:` kind is tested against. `go install`
# names them "cmd", so each is installed into a temp dir and moved.
HELPERS_VERSION := v0.9.12
GOBIN_DIR := $(shell $(GO) env GOPATH)/bin
# nfpm makes the Linux packages of `make dist` (its CLI, pinned).
NFPM_VERSION := v2.48.0
NFPM := $(GOBIN_DIR)/nfpm
define install_helper
	@test -x $(GOBIN_DIR)/docker-credential-$(1) || { d=$$(mktemp -d) && \
		GOFLAGS= GOBIN=$$d CGO_ENABLED=$(2) $(GO) install github.com/docker/docker-credential-helpers/$(1)/cmd@$(HELPERS_VERSION) && \
		mkdir -p $(GOBIN_DIR) && mv $$d/cmd $(GOBIN_DIR)/docker-credential-$(1) && rmdir $$d; }
endef

.PHONY: image dist package-test cross build install size demo packages deps kube-bins test lint unit keyring-test kubelet-test tools bench fuzz fuzz-brief clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/docker-credential-regcred
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(ENGINE) ./cmd/regcred-engine
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(FETCHER) ./cmd/regcred-fetch

# All three into one directory: the front finds the engine and the fetcher next to itself. DESTDIR for packagers;
# for the kubelet, BINDIR=<its --image-credential-provider-bin-dir>. Installs what `make build`
# built (building only if nothing is), so `make build && sudo make install` needs no Go as root.
install:
	@test -x $(BIN) && test -x $(ENGINE) && test -x $(FETCHER) || $(MAKE) --no-print-directory build
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN) $(ENGINE) $(FETCHER) $(DESTDIR)$(BINDIR)/

# Bytes of each executable, as built by `make build`.
size: build
	@wc -c $(BIN) $(ENGINE) $(FETCHER) | sed '$$d'

demo: build
	bash testdata/demo.sh $(BIN)

tools:
	@test -x $(STATICCHECK) || GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@$(REGCTL) version 2>/dev/null | grep -q 'VCSTag:.*$(REGCTL_VERSION)' || GOFLAGS= $(GO) install github.com/regclient/regclient/cmd/regctl@$(REGCTL_VERSION)
	$(call install_helper,pass,0)
	$(call install_helper,secretservice,1)
	@$(GO) version -m $(NFPM) 2>/dev/null | grep -q 'mod.*goreleaser/nfpm/v2.*$(NFPM_VERSION)' || GOFLAGS= $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

lint: tools
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

unit:
	$(GO) test -race -count=1 -skip SecretService ./...

# The Secret Service tests run under their own session bus with an unlocked
# gnome-keyring (credhelper/cache/testdata/with-secret-service.sh).
keyring-test:
	credhelper/cache/testdata/with-secret-service.sh $(GO) test -race -count=1 -run 'Keyring|SecretService' ./credhelper/cache/ ./cmd/docker-credential-regcred/ ./providers/helper/

# The kubelet's own credential-provider plugin code runs the built binary. A
# separate module (k8s.io/kubernetes needs replace lines); slow the first time.
kubelet-test:
	cd testdata/kubelet && $(GO) test -count=1 ./...

# macOS and Windows, checked from Linux: for each, go vet and every
# package's test binary compiled (not run), CGO_ENABLED=0 as released, and
# -trimpath so the compiled packages are the ones `make dist` reuses.
CROSS_PLATFORMS ?= darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
cross:
	@set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; for p in $(CROSS_PLATFORMS); do \
		echo "cross: $$p: go vet, go test -c"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 GOFLAGS=-trimpath $(GO) vet ./...; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 GOFLAGS=-trimpath $(GO) test -c -o "$$out/" ./... >/dev/null; \
		rm -rf "$$out"/*; \
	done

# The Debian packages the tests use: installed when run as root, else the
# exact apt-get line to run (testdata/test-packages.sh).
packages:
	testdata/test-packages.sh

deps:
	$(GO) mod download
	cd testdata/kubelet && $(GO) mod download

# A real etcd and kube-apiserver for regcred-controller's tests (internal/kubetest),
# built from the module proxy in testdata/kubelet's module; only when missing (minutes).
# keyring-lookup runs the kubelet's pull-secret keyring over the Secrets the controller wrote.
KUBE_BINS := bin/kube/kube-apiserver bin/kube/etcd bin/kube/keyring-lookup
kube-bins: $(KUBE_BINS)

bin/kube/keyring-lookup: testdata/kubelet/cmd/keyring-lookup/main.go
	cd testdata/kubelet && $(GO) build -trimpath -o ../../$@ ./cmd/keyring-lookup

bin/kube/kube-apiserver:
	cd testdata/kubelet && $(GO) build -trimpath -o ../../$@ k8s.io/kubernetes/cmd/kube-apiserver

bin/kube/etcd:
	cd testdata/kubelet && $(GO) build -trimpath -o ../../$@ ./cmd/etcd

# Every test runs with loopback as the only network (testdata/loopback-only.sh):
# whatever a test needs from the network is fetched before (packages, deps, tools).
test: packages deps tools kube-bins lint cross
	testdata/loopback-only.sh $(MAKE) --no-print-directory fuzz-brief unit keyring-test kubelet-test

# Every fuzz target in turn (testdata/fuzz.sh); `make test` runs each briefly.
FUZZTIME ?= 60s
fuzz:
	testdata/fuzz.sh $(FUZZTIME)

fuzz-brief:
	testdata/fuzz.sh 3s

# Whole-process timings as ratios to a floor program, side by side in one run
# (under a Secret Service, so the keyring store is measured too).
ECR_LOGIN_VERSION := v0.12.0
bench:
	GOFLAGS= CGO_ENABLED=0 $(GO) install github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@$(ECR_LOGIN_VERSION)
	credhelper/cache/testdata/with-secret-service.sh env REGCRED_BENCH=1 $(GO) test -count=1 -run TestBenchmark -v ./cmd/docker-credential-regcred/

# Release files into dist/ (internal/dist): the three executables for every
# platform (DIST_PLATFORMS=linux/amd64 … for fewer), archives, deb/rpm/apk,
# a Homebrew formula, a winget manifest, SHA256SUMS. Byte-identical for one
# commit: every date is SOURCE_DATE_EPOCH, by default the last commit's.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)
DIST_PLATFORMS ?=
DIST ?= dist
DIST_URL ?= https://github.com/regcred/regcred/releases/download/VERSION
dist:
	@$(GO) version -m $(NFPM) 2>/dev/null | grep -q 'mod.*goreleaser/nfpm/v2.*$(NFPM_VERSION)' || { echo "nfpm $(NFPM_VERSION) missing: make tools" >&2; exit 1; }
	$(GO) run ./testdata/tools/dist -version '$(VERSION)' -commit '$(COMMIT)' -epoch '$(SOURCE_DATE_EPOCH)' -nfpm $(NFPM) -url '$(DIST_URL)' -out $(DIST) $(DIST_PLATFORMS)

# The release files as a user gets them (testdata/package-test.sh): a full
# `make dist`, a second one of linux/amd64 compared byte for byte, the .rpm
# and .apk read, the .deb installed, used for the demo's pull and removed.
# It installs a package: as root with CI=true or CONFIRM=1 only.
package-test: dist
	$(MAKE) --no-print-directory dist DIST=$(DIST).again DIST_PLATFORMS=linux/amd64
	testdata/package-test.sh $(DIST) $(DIST).again

# regcred-controller's OCI image (internal/ociimage): the static binary for each of
# IMAGE_PLATFORMS and Debian's CA certificates, one layer, written as an OCI layout in
# bin/image/regcred-controller (no daemon, no push; `skopeo copy oci:bin/image/regcred-controller
# docker://…` or `crane push` publishes it). Reproducible: every date is SOURCE_DATE_EPOCH.
IMAGE_PLATFORMS ?= linux/amd64 linux/arm64
IMAGE_DIR ?= bin/image
CA_CERTS ?= /etc/ssl/certs/ca-certificates.crt
image:
	@test -r $(CA_CERTS) || { echo "$(CA_CERTS) missing: apt-get install ca-certificates, or CA_CERTS=<PEM bundle>" >&2; exit 1; }
	@set -e; bins=; for p in $(IMAGE_PLATFORMS); do \
		out=$(IMAGE_DIR)/regcred-controller-$${p%/*}-$${p#*/}; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/regcred-controller; \
		bins="$$bins $$p=$$out"; \
	done; \
	$(GO) run ./testdata/tools/image -ca $(CA_CERTS) -epoch '$(SOURCE_DATE_EPOCH)' -version '$(VERSION)' -revision '$(COMMIT)' -out $(IMAGE_DIR)/regcred-controller $$bins

clean:
	rm -rf bin dist dist.again
