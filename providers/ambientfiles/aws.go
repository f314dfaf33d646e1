package ambientfiles

import "path/filepath"

// AWS is the shared credentials file and the shared config file, in that
// order, as the AWS SDK for Go v2 locates them: AWS_SHARED_CREDENTIALS_FILE,
// else ~/.aws/credentials; AWS_CONFIG_FILE, else ~/.aws/config. The SDK
// takes a variable's value as it is (no "~/" expansion), and so does AWS.
// A default path is left out when there is no home directory to put it in.
func AWS(lookupEnv func(string) (string, bool)) []string {
	var files []string
	for _, f := range []struct{ env, name string }{
		{"AWS_SHARED_CREDENTIALS_FILE", "credentials"},
		{"AWS_CONFIG_FILE", "config"},
	} {
		if v, ok := lookupEnv(f.env); ok && v != "" {
			files = append(files, v)
			continue
		}
		if home := HomeDir(lookupEnv); home != "" {
			files = append(files, filepath.Join(home, ".aws", f.name))
		}
	}
	return files
}
