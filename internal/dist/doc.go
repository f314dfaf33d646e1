// Package dist makes regcred's release files (`make dist`): the three
// executables cross-built for each platform, reproducible tar.gz and zip
// archives, deb/rpm/apk packages made by the nfpm CLI, a Homebrew formula,
// a winget manifest and SHA256SUMS.
//
// Every byte depends only on the source, the Go toolchain, the version,
// the commit and the epoch (SOURCE_DATE_EPOCH): builds are static,
// -trimpath, without build ID; archive entries are sorted, dated at the
// epoch, owned by uid/gid 0 with fixed modes. `make package-test` checks
// that two runs give the same bytes. Its main is testdata/tools/dist; it
// is not shipped.
package dist
