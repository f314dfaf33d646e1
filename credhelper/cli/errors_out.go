package cli

import "strings"

// Verb is the command in args (the program name left out), after the
// global --config flag and its value; "" when there is none.
func Verb(args []string) string {
	for len(args) > 0 {
		switch {
		case (args[0] == "--config" || args[0] == "-c") && len(args) >= 2:
			args = args[2:]
		case strings.HasPrefix(args[0], "--config="):
			args = args[1:]
		default:
			return args[0]
		}
	}
	return ""
}

// ErrorsOnStderr says where a failed command's message goes, for the front
// and the engine alike: stdout for the Docker protocol, which reads errors
// there; stderr for the kubelet (its stdout is JSON) and for the commands
// whose stdout is a document (a report, a diff, a snippet), so a script
// reading `check --output json` gets JSON only.
func ErrorsOnStderr(verb string) bool {
	switch verb {
	case "kubelet", "check", "configure-docker", "setup", "pull-secret":
		return true
	}
	return false
}
