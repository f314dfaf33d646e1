package config

import (
	"errors"
	"strings"
	"testing"
)

// echoCanary stands for a secret typed where something else belongs: a
// token pasted as a variable name, a password in a URL, a key in a path.
const echoCanary = "glpat-S3cr3tT0ken-xyz"

// echoCase is one setting given a value that fails validation and holds the
// canary. yaml is the entry's backend block (or a whole file when file is
// set), with CANARY standing for the canary; want is what the error must say, so
// that the case is known to fail on the setting it is about.
type echoCase struct {
	name, yaml, want string
	file             bool
}

// secretEchoCases covers every setting of every kind, the entry's own keys,
// the cache block and the YAML decoder's messages.
func secretEchoCases() []echoCase {
	return []echoCase{
		// static
		{name: "static username", yaml: "static: {username: CANARY, usernameEnv: U, passwordEnv: P}", want: "set exactly one of username"},
		{name: "static usernameEnv", yaml: "static: {usernameEnv: CANARY, passwordEnv: P}", want: "usernameEnv"},
		{name: "static usernameFile", yaml: "static: {usernameFile: CANARY, username: u, passwordEnv: P}", want: "set exactly one of username"},
		{name: "static password", yaml: "static: {username: u, password: CANARY, passwordEnv: P}", want: "set exactly one of password"},
		{name: "static passwordEnv", yaml: "static: {username: u, passwordEnv: CANARY}", want: "passwordEnv"},
		{name: "static passwordEnv with a space", yaml: `static: {username: u, passwordEnv: "CANARY x"}`, want: "passwordEnv"},
		{name: "static passwordFile", yaml: "static: {username: u, passwordFile: CANARY, password: p}", want: "set exactly one of password"},
		{name: "static dockerConfig", yaml: "static: {dockerConfig: CANARY, username: u}", want: "dockerConfig"},
		// ecr
		{name: "ecr profile", yaml: `ecr: {profile: "CANARY x"}`, want: "profile"},
		{name: "ecr region", yaml: "ecr: {region: CANARY}", want: "region"},
		{name: "ecr roleArn", yaml: "ecr: {roleArn: CANARY}", want: "roleArn"},
		{name: "ecr roleSessionName", yaml: `ecr: {roleArn: "arn:aws:iam::123456789012:role/r", roleSessionName: "CANARY x"}`, want: "roleSessionName"},
		{name: "ecr roleArnAnnotation", yaml: `ecr: {roleArnAnnotation: "CANARY x"}`, want: "roleArnAnnotation"},
		{name: "ecr externalId", yaml: `ecr: {roleArn: "arn:aws:iam::123456789012:role/r", externalId: "CANARY x"}`, want: "externalId"},
		{name: "ecr externalId without roleArn", yaml: "ecr: {externalId: CANARY}", want: "externalId"},
		{name: "ecr endpoint not a URL", yaml: "ecr: {endpoint: CANARY}", want: "endpoint"},
		{name: "ecr endpoint bad escape", yaml: `ecr: {endpoint: "https://u:CANARY%zz@ecr.example.com"}`, want: "endpoint"},
		{name: "ecr endpoint userinfo", yaml: `ecr: {endpoint: "https://u:CANARY@ecr.example.com"}`, want: "endpoint"},
		{name: "ecr endpoint scheme", yaml: `ecr: {endpoint: "ftp://CANARY.example.com"}`, want: "endpoint"},
		{name: "ecr endpoint query", yaml: `ecr: {endpoint: "https://ecr.example.com/?token=CANARY"}`, want: "endpoint"},
		{name: "ecr endpoint plain http", yaml: `ecr: {endpoint: "http://CANARY.example.com"}`, want: "endpoint"},
		// gcr
		{name: "gcr credentialsFile", yaml: `gcr: {credentialsFile: "CANARY\x01"}`, want: "credentialsFile"},
		{name: "gcr scopes", yaml: `gcr: {scopes: ["CANARY x"]}`, want: "scopes"},
		{name: "gcr impersonateServiceAccount", yaml: "gcr: {impersonateServiceAccount: CANARY}", want: "impersonateServiceAccount"},
		// ocir
		{name: "ocir auth", yaml: "ocir: {auth: CANARY}", want: "auth"},
		{name: "ocir configFile", yaml: `ocir: {configFile: "CANARY\x01"}`, want: "configFile"},
		{name: "ocir profile", yaml: `ocir: {profile: "[CANARY]"}`, want: "profile"},
		{name: "ocir configFile with instance_principal", yaml: "ocir: {auth: instance_principal, configFile: CANARY}", want: "configFile"},
		{name: "ocir endpoint", yaml: `ocir: {endpoint: "https://u:CANARY@ocir.example.com"}`, want: "endpoint"},
		{name: "ocir endpoint path", yaml: `ocir: {endpoint: "https://ocir.example.com/CANARY"}`, want: "endpoint"},
		// ocivault
		{name: "ocivault secretId", yaml: "ocivault: {secretId: CANARY}", want: "secretId"},
		{name: "ocivault secretName", yaml: `ocivault: {secretName: "CANARY ", vaultId: ocid1.vault.oc1.iad.abc}`, want: "secretName"},
		{name: "ocivault vaultId", yaml: "ocivault: {secretName: s, vaultId: CANARY}", want: "vaultId"},
		{name: "ocivault stage", yaml: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, stage: CANARY}", want: "stage"},
		{name: "ocivault auth", yaml: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, auth: CANARY}", want: "auth"},
		{name: "ocivault configFile", yaml: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, configFile: "CANARY\x01"}`, want: "configFile"},
		{name: "ocivault profile", yaml: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, profile: "[CANARY]"}`, want: "profile"},
		{name: "ocivault region", yaml: "ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, region: CANARY}", want: "region"},
		{name: "ocivault endpoint", yaml: `ocivault: {secretId: ocid1.vaultsecret.oc1.iad.abc, endpoint: "https://u:CANARY@oci.example.com"}`, want: "endpoint"},
		// vault: server and engine
		{name: "vault address not a URL", yaml: `vault: {address: "CANARY", path: s/x}`, want: "address"},
		{name: "vault address bad port", yaml: `vault: {address: "https://vault:CANARY", path: s/x}`, want: "address"},
		{name: "vault address userinfo", yaml: `vault: {address: "https://u:CANARY@vault.example.com", path: s/x}`, want: "address"},
		{name: "vault address scheme", yaml: `vault: {address: "ftp://CANARY.example.com", path: s/x}`, want: "address"},
		{name: "vault address query", yaml: `vault: {address: "https://vault.example.com?token=CANARY", path: s/x}`, want: "address"},
		{name: "vault address plain http", yaml: `vault: {address: "http://CANARY.example.com", path: s/x}`, want: "address"},
		{name: "vault namespace", yaml: `vault: {namespace: "CANARY/../x", path: s/x}`, want: "namespace"},
		{name: "vault engine", yaml: "vault: {engine: CANARY, path: s/x}", want: "engine"},
		{name: "vault mount", yaml: `vault: {mount: "CANARY//x", path: s/x}`, want: "mount"},
		{name: "vault path", yaml: `vault: {path: "CANARY?x"}`, want: "path"},
		{name: "vault kvVersion", yaml: "vault: {path: s/x, kvVersion: CANARY}", want: "kvVersion"},
		{name: "vault usernameField", yaml: "vault: {path: s/x, username: u, usernameField: CANARY}", want: "usernameField"},
		{name: "vault passwordField", yaml: "vault: {engine: gcp, roleset: r, passwordField: CANARY}", want: "passwordField"},
		{name: "vault username", yaml: "vault: {path: s/x, username: CANARY, usernameField: f}", want: "username"},
		{name: "vault roleset", yaml: `vault: {engine: gcp, roleset: "CANARY/x"}`, want: "roleset"},
		{name: "vault staticAccount", yaml: `vault: {engine: gcp, staticAccount: "CANARY/x"}`, want: "staticAccount"},
		{name: "vault impersonatedAccount", yaml: `vault: {engine: gcp, impersonatedAccount: "CANARY/x"}`, want: "impersonatedAccount"},
		{name: "vault gcp setting on kv", yaml: "vault: {path: s/x, roleset: CANARY}", want: "roleset"},
		{name: "vault ttl", yaml: "vault: {path: s/x, ttl: CANARY}", want: "ttl"},
		{name: "vault timeout", yaml: "vault: {path: s/x, timeout: CANARY}", want: "timeout"},
		{name: "vault caCert", yaml: "vault: {path: s/x, caCert: CANARY, caPath: /p}", want: "caCert"},
		{name: "vault caPath", yaml: "vault: {path: s/x, caCert: /c, caPath: CANARY}", want: "caPath"},
		{name: "vault tlsServerName", yaml: `vault: {path: s/x, tlsServerName: "CANARY x"}`, want: "tlsServerName"},
		{name: "vault clientCert", yaml: "vault: {path: s/x, clientCert: CANARY}", want: "clientCert"},
		{name: "vault clientKey", yaml: "vault: {path: s/x, clientKey: CANARY}", want: "clientKey"},
		// vault: auth
		{name: "vault auth.method", yaml: "vault: {path: s/x, auth: {method: CANARY}}", want: "auth.method"},
		{name: "vault auth.mount", yaml: `vault: {path: s/x, auth: {method: approle, roleId: r, mount: "CANARY//x"}}`, want: "auth.mount"},
		{name: "vault auth.role", yaml: "vault: {path: s/x, auth: {method: token, role: CANARY}}", want: "auth.role"},
		{name: "vault auth.roleAnnotation", yaml: `vault: {path: s/x, auth: {method: kubernetes, roleAnnotation: "CANARY x"}}`, want: "auth.roleAnnotation"},
		{name: "vault auth.roleId", yaml: "vault: {path: s/x, auth: {method: token, roleId: CANARY}}", want: "auth.roleId"},
		{name: "vault auth.roleId and roleIdFile", yaml: "vault: {path: s/x, auth: {method: approle, roleId: CANARY, roleIdFile: /f}}", want: "auth.roleId"},
		{name: "vault auth.roleIdFile", yaml: "vault: {path: s/x, auth: {method: token, roleIdFile: CANARY}}", want: "auth.roleIdFile"},
		{name: "vault auth.secretId", yaml: "vault: {path: s/x, auth: {method: token, secretId: CANARY}}", want: "auth.secretId"},
		{name: "vault auth.secretId and secretIdFile", yaml: "vault: {path: s/x, auth: {method: approle, roleId: r, secretId: CANARY, secretIdFile: /f}}", want: "auth.secretId"},
		{name: "vault auth.secretIdFile", yaml: "vault: {path: s/x, auth: {method: token, secretIdFile: CANARY}}", want: "auth.secretIdFile"},
		{name: "vault auth.jwtFile", yaml: "vault: {path: s/x, auth: {method: token, jwtFile: CANARY}}", want: "auth.jwtFile"},
		{name: "vault auth.tokenFile", yaml: "vault: {path: s/x, auth: {method: approle, roleId: r, tokenFile: CANARY}}", want: "auth.tokenFile"},
		{name: "vault auth.headerValue", yaml: "vault: {path: s/x, auth: {method: token, headerValue: CANARY}}", want: "auth.headerValue"},
		{name: "vault auth.headerValue control character", yaml: `vault: {path: s/x, auth: {method: aws, headerValue: "CANARY\n"}}`, want: "auth.headerValue"},
		{name: "vault auth.region", yaml: "vault: {path: s/x, auth: {method: aws, region: CANARY}}", want: "auth.region"},
		// the entry's keys and the cache block
		{name: "match host", file: true, yaml: "registries:\n  - match: \"CANARY_x.example.com\"\n    anonymous: {}\n", want: "match"},
		{name: "match port", file: true, yaml: "registries:\n  - match: \"reg.example.com:CANARY\"\n    anonymous: {}\n", want: "match"},
		{name: "match path", file: true, yaml: "registries:\n  - match: \"reg.example.com/CANARY\"\n    anonymous: {}\n", want: "match"},
		{name: "match glob", file: true, yaml: "registries:\n  - match: \"*.CANARY_x.example.com\"\n    anonymous: {}\n", want: "match"},
		{name: "match path with a tag", file: true, yaml: "registries:\n  - match: \"reg.example.com/team:CANARY\"\n    anonymous: {}\n", want: "match"},
		{name: "match scheme", file: true, yaml: "registries:\n  - match: \"CANARY://reg.example.com\"\n    anonymous: {}\n", want: "match"},
		{name: "cache store", file: true, yaml: "cache: {store: CANARY}\n", want: "store"},
		{name: "cache ttl", file: true, yaml: "cache: {ttl: CANARY}\n", want: "duration"},
		// what the YAML decoder reports
		{name: "string for a number", yaml: "vault: {path: s/x, version: CANARY}", want: "cannot unmarshal"},
		{name: "string for a bool", file: true, yaml: "registries:\n  - match: reg.example.com\n    verify: CANARY\n    anonymous: {}\n", want: "cannot unmarshal"},
		{name: "string for a list", yaml: "gcr: {scopes: CANARY}", want: "cannot unmarshal"},
		{name: "string for a block", yaml: "static: CANARY", want: "cannot unmarshal"},
		{name: "secret as a key", yaml: "static: {username: u, CANARY: x}", want: "unknown key"},
		{name: "missing colon", yaml: "static: {username: u, passwordEnv CANARY}", want: "unknown key"},
		{name: "secret as a key of anonymous", yaml: "anonymous: {CANARY: 1}", want: "unknown key"},
		{name: "secret as a top-level key", file: true, yaml: "CANARY: 1\n", want: "unknown key"},
		{name: "secret as a duplicate key", yaml: "static: {CANARY: x, CANARY: y}", want: "already defined"},
		{name: "secret as an anchor name", file: true, yaml: "registries: *CANARY\n", want: "unknown anchor"},
		{name: "a typo is still shown", yaml: "static: {usernmae: CANARY}", want: `unknown key "usernmae"`},
	}
}

// TestConfigErrorsNeverEchoASecret gives every setting a value that fails
// validation and holds a secret-looking canary: the error names the
// setting and says what is wrong, and never repeats the canary.
func TestConfigErrorsNeverEchoASecret(t *testing.T) {
	for _, tc := range secretEchoCases() {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.yaml
			if !tc.file {
				src = "registries:\n  - match: reg.example.com\n    " + src + "\n"
			}
			src = strings.ReplaceAll(src, "CANARY", echoCanary)
			_, err := ParseConfig("cfg.yaml", []byte(src))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("ParseConfig(%q) = %v, want ErrConfig", src, err)
			}
			msg := err.Error()
			if low := strings.ToLower(msg); strings.Contains(low, "s3cr3tt0ken") {
				t.Errorf("the error echoes the value:\n%s", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("the error does not say %q:\n%s", tc.want, msg)
			}
		})
	}
}
