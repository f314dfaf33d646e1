// Package providers holds what every credential backend shares: the Provider
// interface, the Credential it returns, the Secret type that keeps passwords
// out of logs, and the error values the resolver uses to decide whether to
// move on to the next matching entry.
//
// Backends live in sub-packages (static, vault, ecr, …), each registering
// its kind through package kind; the engine's kind table
// (credhelper/config.Kinds) lists those registrations. No backend imports
// credhelper.
package providers
