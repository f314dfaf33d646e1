//go:build !unix

package providers

// openNonBlock: there are no FIFOs in the file system to wait on here.
const openNonBlock = 0
