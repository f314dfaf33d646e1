package ambientfiles

import (
	"os/user"
	"runtime"
)

// HomeDir is the home directory as the AWS SDK finds it: HOME
// (USERPROFILE on Windows), else the user database's entry for the
// running user, else "".
func HomeDir(lookupEnv func(string) (string, bool)) string {
	name := "HOME"
	if runtime.GOOS == "windows" {
		name = "USERPROFILE"
	}
	if v, ok := lookupEnv(name); ok && v != "" {
		return v
	}
	if u, err := user.Current(); err == nil {
		return u.HomeDir
	}
	return ""
}
