// Package ambientfiles locates the files a cloud SDK reads an identity
// from when the config names none: today AWS's shared credentials and
// config files. The cache key hashes what they say (credhelper/config), so
// a file rewritten for another identity never gets the previous one's
// token.
//
// It reads no file and imports no SDK, net/http or TLS: whoever computes
// a cache key links it.
package ambientfiles
