package credhelper

// builtinEntries are the cloud registries that work with ambient
// credentials and no config file at all. They are appended after the file's
// entries unless the file says `defaults: false`.
func builtinEntries() []*Entry {
	return nil
}
