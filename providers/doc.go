// Package providers holds what every credential backend shares: the Provider
// interface, the Credential it returns, the Secret type that keeps passwords
// out of logs, and the error values the resolver uses to decide whether to
// move on to the next matching entry.
//
// Backends live in sub-packages (static, vault, ecr, …). None of them imports
// credhelper; the kind → constructor table lives there.
package providers
