// Package lazyregexp compiles a regular expression on first use instead of
// at package initialisation. The engine links every backend and a request
// uses one at most, so expressions compiled at start-up would tax every
// cold request for backends it never touches (regexp compilation is most
// of a cold start's package-init time).
package lazyregexp
