// Package oskeyring is the OS keyring behind the cache's keyring store:
// macOS Keychain, Windows Credential Manager or the Secret Service, through
// github.com/zalando/go-keyring. It is apart from the cache package because
// go-keyring links godbus, whose start-up cost the front binary (which only
// reads the file store) must not pay.
package oskeyring
