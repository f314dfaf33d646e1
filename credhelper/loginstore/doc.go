// Package loginstore keeps the credentials `docker login` hands regcred's
// `store`: in the token cache's stores (the OS keyring, the private file
// store behind it), in a directory of their own, under keys derived from
// the registry alone. A login is the user's only copy, so a record that
// exists and cannot be read is an error (cache.ErrDamaged), never taken for
// absent; the engine puts a stored login after the config's entries for its
// registry (credhelper/login_entry.go).
package loginstore
