// Package userfile edits files people care about — ~/.docker/config.json,
// a registries.conf.d drop-in, the kubelet's CredentialProviderConfig —
// without losing what is in them or taking them away from their owner.
//
// One primitive, Edit, serves every writer: it follows symlinks (dangling
// ones too, as docker's CLI does), keeps the replaced file's owner, group
// and mode (so `sudo regcred setup …` leaves a user's file theirs), creates
// missing directories owned like their parent with a mode fit for what
// they hold, serialises editors on a sibling lock file and re-reads before
// the rename (a writer that takes no lock, such as docker login, makes it
// start over on what that writer left), backs up under a name no other run
// can take, and removes its temporary file on every path, sweeping the
// stale ones of writers that were killed.
package userfile
