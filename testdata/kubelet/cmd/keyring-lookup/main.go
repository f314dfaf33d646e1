// Command keyring-lookup runs the kubelet's own pull-secret keyring
// (k8s.io/kubernetes/pkg/credentialprovider/secrets) over Secrets read as
// a JSON v1.SecretList on stdin, and prints what it yields for the image
// named as the argument: a JSON array of {username, password, secret}
// ("namespace/name" of the Secret it came from); it exits 1 when the
// keyring has nothing for the image. The controller's end-to-end test
// (controller/e2e_test.go) feeds it the Secrets regcred-controller wrote.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	v1 "k8s.io/api/core/v1"
	"k8s.io/kubernetes/pkg/credentialprovider"
	"k8s.io/kubernetes/pkg/credentialprovider/secrets"
)

type found struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Secret   string `json:"secret"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "keyring-lookup:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: keyring-lookup IMAGE < secretlist.json")
	}
	var list v1.SecretList
	if err := json.NewDecoder(os.Stdin).Decode(&list); err != nil {
		return fmt.Errorf("reading the secrets: %w", err)
	}
	keyring, err := secrets.MakeDockerKeyring(list.Items, &credentialprovider.BasicDockerKeyring{})
	if err != nil {
		return err
	}
	creds, ok := keyring.Lookup(os.Args[1])
	if !ok {
		return fmt.Errorf("no credential for %s", os.Args[1])
	}
	out := make([]found, 0, len(creds))
	for _, c := range creds {
		f := found{Username: c.Username, Password: c.Password}
		if c.Source != nil && c.Source.Secret != nil {
			f.Secret = c.Source.Secret.Namespace + "/" + c.Source.Secret.Name
		}
		out = append(out, f)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
