// Package ociimage builds regcred-controller's container image for
// `make image` (main: testdata/tools/image): the static binary and the CA
// certificates in one layer, one image per platform under an OCI index,
// written as an OCI image layout directory with go-containerregistry; no
// daemon, no registry. The output is byte-identical for the same inputs:
// every timestamp (files, history, config) is the given epoch
// (SOURCE_DATE_EPOCH), owners and modes are fixed, and entries are in a
// fixed order.
package ociimage
