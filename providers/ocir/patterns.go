package ocir

// DefaultPatterns are config patterns that cover every OCIR host, for an
// entry (or a built-in one) that should serve them all.
func DefaultPatterns() []string {
	return []string{"*.ocir.io", "ocir.*.oci.oraclecloud.com"}
}
