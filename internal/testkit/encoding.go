package testkit

import "encoding/base64"

// B64 is s in standard base64, as registries' auth fields and Docker
// config files carry "user:password".
func B64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
