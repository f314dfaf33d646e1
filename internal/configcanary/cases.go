// Package configcanary holds, for tests, one config per setting of every
// kind whose value fails validation and holds a secret-looking canary: the
// config package checks its errors with them, and the end-to-end tests
// check that get and check never print the canary.
package configcanary

import "strings"

// Canary stands for a secret typed where something else belongs: a token
// pasted as a variable name, a password in a URL, a key in a path.
const Canary = "glpat-S3cr3tT0ken-xyz"

// Leaks reports whether text repeats the canary, in any letter case (hosts
// are lower-cased before they are quoted).
func Leaks(text string) bool {
	return strings.Contains(strings.ToLower(text), "s3cr3tt0ken")
}

// Case is one setting given a value that fails validation and holds the
// canary. YAML is the entry's backend block (or a whole file when File is
// set), with CANARY standing for the canary; Want is what the error must
// say, so that the case is known to fail on the setting it is about.
type Case struct {
	Name, YAML, Want string
	File             bool
}

// Config is the case's whole config file, the canary in place.
func (c Case) Config() string {
	src := c.YAML
	if !c.File {
		src = "registries:\n  - match: reg.example.com\n    " + src + "\n"
	}
	return strings.ReplaceAll(src, "CANARY", Canary)
}

// Cases covers every setting of every kind, the entry's own keys, the cache
// block and the YAML decoder's messages.
func Cases() []Case {
	return []Case{
		// static
		{Name: "static username", YAML: "static: {username: CANARY, usernameEnv: U, passwordEnv: P}", Want: "set exactly one of username"},
		{Name: "static usernameEnv", YAML: "static: {usernameEnv: CANARY, passwordEnv: P}", Want: "usernameEnv"},
		{Name: "static usernameFile", YAML: "static: {usernameFile: CANARY, username: u, passwordEnv: P}", Want: "set exactly one of username"},
		{Name: "static password", YAML: "static: {username: u, password: CANARY, passwordEnv: P}", Want: "set exactly one of password"},
		{Name: "static passwordEnv", YAML: "static: {username: u, passwordEnv: CANARY}", Want: "passwordEnv"},
		{Name: "static passwordEnv with a space", YAML: `static: {username: u, passwordEnv: "CANARY x"}`, Want: "passwordEnv"},
		{Name: "static passwordFile", YAML: "static: {username: u, passwordFile: CANARY, password: p}", Want: "set exactly one of password"},
		{Name: "static dockerConfig", YAML: "static: {dockerConfig: CANARY, username: u}", Want: "dockerConfig"},
		// ecr
		{Name: "ecr profile", YAML: `ecr: {profile: "CANARY x"}`, Want: "profile"},
		{Name: "ecr region", YAML: "ecr: {region: CANARY}", Want: "region"},
		{Name: "ecr roleArn", YAML: "ecr: {roleArn: CANARY}", Want: "roleArn"},
		{Name: "ecr roleSessionName", YAML: `ecr: {roleArn: "arn:aws:iam::123456789012:role/r", roleSessionName: "CANARY x"}`, Want: "roleSessionName"},
		{Name: "ecr roleArnAnnotation", YAML: `ecr: {roleArnAnnotation: "CANARY x"}`, Want: "roleArnAnnotation"},
		{Name: "ecr externalId", YAML: `ecr: {roleArn: "arn:aws:iam::123456789012:role/r", externalId: "CANARY x"}`, Want: "externalId"},
		{Name: "ecr externalId without roleArn", YAML: "ecr: {externalId: CANARY}", Want: "externalId"},
		{Name: "ecr endpoint not a URL", YAML: "ecr: {endpoint: CANARY}", Want: "endpoint"},
		{Name: "ecr endpoint bad escape", YAML: `ecr: {endpoint: "https://u:CANARY%zz@ecr.example.com"}`, Want: "endpoint"},
		{Name: "ecr endpoint userinfo", YAML: `ecr: {endpoint: "https://u:CANARY@ecr.example.com"}`, Want: "endpoint"},
		{Name: "ecr endpoint scheme", YAML: `ecr: {endpoint: "ftp://CANARY.example.com"}`, Want: "endpoint"},
		{Name: "ecr endpoint query", YAML: `ecr: {endpoint: "https://ecr.example.com/?token=CANARY"}`, Want: "endpoint"},
		{Name: "ecr endpoint plain http", YAML: `ecr: {endpoint: "http://CANARY.example.com"}`, Want: "endpoint"},
		// gcr
		{Name: "gcr credentialsFile", YAML: `gcr: {credentialsFile: "CANARY\x01"}`, Want: "credentialsFile"},
		{Name: "gcr scopes", YAML: `gcr: {scopes: ["CANARY x"]}`, Want: "scopes"},
		{Name: "gcr impersonateServiceAccount", YAML: "gcr: {impersonateServiceAccount: CANARY}", Want: "impersonateServiceAccount"},
		// ocir
		{Name: "ocir auth", YAML: "ocir: {auth: CANARY}", Want: "auth"},
		{Name: "ocir configFile", YAML: `ocir: {configFile: "CANARY\x01"}`, Want: "configFile"},
		{Name: "ocir profile", YAML: `ocir: {profile: "[CANARY]"}`, Want: "profile"},
		{Name: "ocir configFile with instance_principal", YAML: "ocir: {auth: instance_principal, configFile: CANARY}", Want: "configFile"},
		{Name: "ocir endpoint", YAML: `ocir: {endpoint: "https://u:CANARY@ocir.example.com"}`, Want: "endpoint"},
		{Name: "ocir endpoint path", YAML: `ocir: {endpoint: "https://ocir.example.com/CANARY"}`, Want: "endpoint"},
		// ocivault
		{Name: "ocivault secretId", YAML: "ocivault: {secretId: CANARY}", Want: "secretId"},
		{Name: "ocivault secretName", YAML: `ocivault: {secretName: "CANARY ", vaultId: ocid1.vault.oc1.iad.abc}`, Want: "secretName"},
		{Name: "ocivault vaultId", YAML: "ocivault: {secretName: s, vaultId: CANARY}", Want: "vaultId"},
		{Name: "ocivault stage", YAML: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, stage: CANARY}", Want: "stage"},
		{Name: "ocivault auth", YAML: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, auth: CANARY}", Want: "auth"},
		{Name: "ocivault configFile", YAML: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, configFile: "CANARY\x01"}`, Want: "configFile"},
		{Name: "ocivault profile", YAML: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, profile: "[CANARY]"}`, Want: "profile"},
		{Name: "ocivault region", YAML: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, region: CANARY}", Want: "region"},
		{Name: "ocivault endpoint", YAML: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, endpoint: "https://u:CANARY@oci.example.com"}`, Want: "endpoint"},
		// vault: server and engine
		{Name: "vault address not a URL", YAML: `vault: {address: "CANARY", path: s/x}`, Want: "address"},
		{Name: "vault address bad port", YAML: `vault: {address: "https://vault:CANARY", path: s/x}`, Want: "address"},
		{Name: "vault address userinfo", YAML: `vault: {address: "https://u:CANARY@vault.example.com", path: s/x}`, Want: "address"},
		{Name: "vault address scheme", YAML: `vault: {address: "ftp://CANARY.example.com", path: s/x}`, Want: "address"},
		{Name: "vault address query", YAML: `vault: {address: "https://vault.example.com?token=CANARY", path: s/x}`, Want: "address"},
		{Name: "vault address plain http", YAML: `vault: {address: "http://CANARY.example.com", path: s/x}`, Want: "address"},
		{Name: "vault namespace", YAML: `vault: {namespace: "CANARY/../x", path: s/x}`, Want: "namespace"},
		{Name: "vault engine", YAML: "vault: {engine: CANARY, path: s/x}", Want: "engine"},
		{Name: "vault mount", YAML: `vault: {mount: "CANARY//x", path: s/x}`, Want: "mount"},
		{Name: "vault path", YAML: `vault: {path: "CANARY?x"}`, Want: "path"},
		{Name: "vault kvVersion", YAML: "vault: {path: s/x, kvVersion: CANARY}", Want: "kvVersion"},
		{Name: "vault usernameField", YAML: "vault: {path: s/x, username: u, usernameField: CANARY}", Want: "usernameField"},
		{Name: "vault passwordField", YAML: "vault: {engine: gcp, roleset: r, passwordField: CANARY}", Want: "passwordField"},
		{Name: "vault username", YAML: "vault: {path: s/x, username: CANARY, usernameField: f}", Want: "username"},
		{Name: "vault roleset", YAML: `vault: {engine: gcp, roleset: "CANARY/x"}`, Want: "roleset"},
		{Name: "vault staticAccount", YAML: `vault: {engine: gcp, staticAccount: "CANARY/x"}`, Want: "staticAccount"},
		{Name: "vault impersonatedAccount", YAML: `vault: {engine: gcp, impersonatedAccount: "CANARY/x"}`, Want: "impersonatedAccount"},
		{Name: "vault gcp setting on kv", YAML: "vault: {path: s/x, roleset: CANARY}", Want: "roleset"},
		{Name: "vault ttl", YAML: "vault: {path: s/x, ttl: CANARY}", Want: "ttl"},
		{Name: "vault timeout", YAML: "vault: {path: s/x, timeout: CANARY}", Want: "timeout"},
		{Name: "vault caCert", YAML: "vault: {path: s/x, caCert: CANARY, caPath: /p}", Want: "caCert"},
		{Name: "vault caPath", YAML: "vault: {path: s/x, caCert: /c, caPath: CANARY}", Want: "caPath"},
		{Name: "vault tlsServerName", YAML: `vault: {path: s/x, tlsServerName: "CANARY x"}`, Want: "tlsServerName"},
		{Name: "vault clientCert", YAML: "vault: {path: s/x, clientCert: CANARY}", Want: "clientCert"},
		{Name: "vault clientKey", YAML: "vault: {path: s/x, clientKey: CANARY}", Want: "clientKey"},
		// vault: auth
		{Name: "vault auth.method", YAML: "vault: {path: s/x, auth: {method: CANARY}}", Want: "auth.method"},
		{Name: "vault auth.mount", YAML: `vault: {path: s/x, auth: {method: approle, roleId: r, mount: "CANARY//x"}}`, Want: "auth.mount"},
		{Name: "vault auth.role", YAML: "vault: {path: s/x, auth: {method: token, role: CANARY}}", Want: "auth.role"},
		{Name: "vault auth.roleAnnotation", YAML: `vault: {path: s/x, auth: {method: kubernetes, roleAnnotation: "CANARY x"}}`, Want: "auth.roleAnnotation"},
		{Name: "vault auth.roleId", YAML: "vault: {path: s/x, auth: {method: token, roleId: CANARY}}", Want: "auth.roleId"},
		{Name: "vault auth.roleId and roleIdFile", YAML: "vault: {path: s/x, auth: {method: approle, roleId: CANARY, roleIdFile: /f}}", Want: "auth.roleId"},
		{Name: "vault auth.roleIdFile", YAML: "vault: {path: s/x, auth: {method: token, roleIdFile: CANARY}}", Want: "auth.roleIdFile"},
		{Name: "vault auth.secretId", YAML: "vault: {path: s/x, auth: {method: token, secretId: CANARY}}", Want: "auth.secretId"},
		{Name: "vault auth.secretId and secretIdFile", YAML: "vault: {path: s/x, auth: {method: approle, roleId: r, secretId: CANARY, secretIdFile: /f}}", Want: "auth.secretId"},
		{Name: "vault auth.secretIdFile", YAML: "vault: {path: s/x, auth: {method: token, secretIdFile: CANARY}}", Want: "auth.secretIdFile"},
		{Name: "vault auth.jwtFile", YAML: "vault: {path: s/x, auth: {method: token, jwtFile: CANARY}}", Want: "auth.jwtFile"},
		{Name: "vault auth.tokenFile", YAML: "vault: {path: s/x, auth: {method: approle, roleId: r, tokenFile: CANARY}}", Want: "auth.tokenFile"},
		{Name: "vault auth.headerValue", YAML: "vault: {path: s/x, auth: {method: token, headerValue: CANARY}}", Want: "auth.headerValue"},
		{Name: "vault auth.headerValue control character", YAML: `vault: {path: s/x, auth: {method: aws, headerValue: "CANARY\n"}}`, Want: "auth.headerValue"},
		{Name: "vault auth.region", YAML: "vault: {path: s/x, auth: {method: aws, region: CANARY}}", Want: "auth.region"},
		// the entry's keys and the cache block
		{Name: "match host", File: true, YAML: "registries:\n  - match: \"CANARY_x.example.com\"\n    anonymous: {}\n", Want: "match"},
		{Name: "match port", File: true, YAML: "registries:\n  - match: \"reg.example.com:CANARY\"\n    anonymous: {}\n", Want: "match"},
		{Name: "match path", File: true, YAML: "registries:\n  - match: \"reg.example.com/CANARY\"\n    anonymous: {}\n", Want: "match"},
		{Name: "match glob", File: true, YAML: "registries:\n  - match: \"*.CANARY_x.example.com\"\n    anonymous: {}\n", Want: "match"},
		{Name: "match path with a tag", File: true, YAML: "registries:\n  - match: \"reg.example.com/team:CANARY\"\n    anonymous: {}\n", Want: "match"},
		{Name: "match scheme", File: true, YAML: "registries:\n  - match: \"CANARY://reg.example.com\"\n    anonymous: {}\n", Want: "match"},
		{Name: "cache store", File: true, YAML: "cache: {store: CANARY}\n", Want: "store"},
		{Name: "cache ttl", File: true, YAML: "cache: {ttl: CANARY}\n", Want: "duration"},
		// what the YAML decoder reports
		{Name: "string for a number", YAML: "vault: {path: s/x, version: CANARY}", Want: "cannot unmarshal"},
		{Name: "string for a bool", File: true, YAML: "registries:\n  - match: reg.example.com\n    verify: CANARY\n    anonymous: {}\n", Want: "cannot unmarshal"},
		{Name: "string for a list", YAML: "gcr: {scopes: CANARY}", Want: "cannot unmarshal"},
		{Name: "string for a block", YAML: "static: CANARY", Want: "cannot unmarshal"},
		{Name: "secret as a key", YAML: "static: {username: u, CANARY: x}", Want: "unknown key"},
		{Name: "missing colon", YAML: "static: {username: u, passwordEnv CANARY}", Want: "unknown key"},
		{Name: "secret as a key of anonymous", YAML: "anonymous: {CANARY: 1}", Want: "unknown key"},
		{Name: "secret as a top-level key", File: true, YAML: "CANARY: 1\n", Want: "unknown key"},
		{Name: "secret as a duplicate key", YAML: "static: {CANARY: x, CANARY: y}", Want: "already defined"},
		{Name: "secret as an anchor name", File: true, YAML: "registries: *CANARY\n", Want: "unknown anchor"},
		{Name: "a typo is still shown", YAML: "static: {usernmae: CANARY}", Want: `unknown key "usernmae"`},
	}
}
