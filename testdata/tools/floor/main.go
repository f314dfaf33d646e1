// Command floor is the benchmark baseline: the least a credential helper
// can do — read stdin and one small file, print JSON. Ratios against it show
// what regcred's own work costs, whatever the machine's process start-up.
package main

import (
	"encoding/json"
	"io"
	"os"
)

func main() {
	in, _ := io.ReadAll(os.Stdin)
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"ServerURL": string(in), "Secret": string(data)})
}
