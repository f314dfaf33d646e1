package static

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

const ecrHost = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

// Real-world-shaped files. Each mirrors what the named tool writes.
var (
	// docker login to Docker Hub, GHCR, a private registry and ACR (which
	// answers with an identity token), plus an ECR credHelper.
	dockerLoginJSON = `{
	"auths": {
		"https://index.docker.io/v1/": {"auth": "` + testkit.B64("alice:"+secretPass) + `"},
		"ghcr.io": {"auth": "` + testkit.B64("gh-user:"+secretOther) + `"},
		"registry.example.com:5000": {"auth": "` + testkit.B64("bob:"+secretToken) + `"},
		"myacr.azurecr.io": {
			"auth": "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==",
			"identitytoken": "` + secretToken + `"
		}
	},
	"credHelpers": {"` + ecrHost + `": "ecr-login"},
	"currentContext": "default",
	"plugins": {"-x-cli-hints": {"enabled": "true"}}
}`
	// Docker Desktop: empty entries, the passwords live in the OS store.
	dockerDesktopJSON = `{
	"auths": {"https://index.docker.io/v1/": {}, "ghcr.io": {}},
	"credsStore": "desktop",
	"currentContext": "desktop-linux"
}`
	// podman/skopeo auth.json with a namespace-scoped key.
	podmanAuthJSON = `{
	"auths": {
		"quay.io": {"auth": "` + testkit.B64("quay-user:"+secretOther) + `"},
		"quay.io/team-a": {"auth": "` + testkit.B64("team-a:"+secretPass) + `"},
		"docker.io": {"auth": "` + testkit.B64("hub:"+secretToken) + `"}
	}
}`
	// The pre-1.7 docker ~/.dockercfg.
	legacyDockercfg = `{
	"https://index.docker.io/v1/": {"auth": "` + testkit.B64("alice:"+secretPass) + `", "email": "alice@example.com"},
	"quay.io": {"auth": "", "email": ""}
}`
	// The payload `kubectl create secret docker-registry` writes.
	kubectlPayload = `{"auths":{"registry.example.com":{"username":"alice","password":"` + secretPass + `","email":"a@example.com","auth":"` + testkit.B64("alice:"+secretPass) + `"}}}`
	// kubectl create secret docker-registry regcred --dry-run=client -o yaml
	k8sSecretYAML = `apiVersion: v1
data:
  .dockerconfigjson: ` + testkit.B64(kubectlPayload) + `
kind: Secret
metadata:
  creationTimestamp: null
  name: regcred
type: kubernetes.io/dockerconfigjson
`
	// A hand-written manifest with stringData and a kubelet-style glob key.
	k8sStringDataYAML = `---
apiVersion: v1
kind: Secret
metadata:
  name: gcr-pull
  namespace: default
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: |
    {"auths": {"*.gcr.io": {"username": "_json_key", "password": "` + secretOther + `"}}}
`
	// kubectl get secret regcred -o json
	k8sSecretJSON = `{
    "apiVersion": "v1",
    "data": {".dockerconfigjson": "` + testkit.B64(kubectlPayload) + `"},
    "kind": "Secret",
    "metadata": {"name": "regcred", "namespace": "default", "resourceVersion": "4711", "uid": "5f0c1d2e-0000-4000-8000-000000000000"},
    "type": "kubernetes.io/dockerconfigjson"
}`
	// The legacy Secret type, holding a .dockercfg.
	k8sDockercfgYAML = `apiVersion: v1
kind: Secret
metadata: {name: old-pull}
type: kubernetes.io/dockercfg
data:
  .dockercfg: ` + testkit.B64(legacyDockercfg) + `
`
)

type dockerCase struct {
	name       string
	file       string
	registry   string
	repo       string
	wantUser   string
	wantSecret string
	wantErr    error
	errHas     []string
}

var dockerCases = []dockerCase{
	{name: "docker login: hub v1 key", file: dockerLoginJSON, registry: "docker.io", wantUser: "alice", wantSecret: secretPass},
	{name: "docker login: hub image", file: dockerLoginJSON, registry: "docker.io", repo: "library/nginx", wantUser: "alice", wantSecret: secretPass},
	{name: "docker login: ghcr", file: dockerLoginJSON, registry: "ghcr.io", repo: "org/app", wantUser: "gh-user", wantSecret: secretOther},
	{name: "docker login: host with port", file: dockerLoginJSON, registry: "registry.example.com:5000", wantUser: "bob", wantSecret: secretToken},
	{name: "docker login: port must match", file: dockerLoginJSON, registry: "registry.example.com", wantErr: providers.ErrNotFound, errHas: []string{"has no entry for registry.example.com"}},
	{name: "docker login: identity token", file: dockerLoginJSON, registry: "myacr.azurecr.io", wantUser: "<token>", wantSecret: secretToken},
	{name: "docker login: look-alike host", file: dockerLoginJSON, registry: "ghcr.io.evil.example", wantErr: providers.ErrNotFound},
	{name: "docker login: credHelpers only", file: dockerLoginJSON, registry: ecrHost, wantErr: providers.ErrNotFound, errHas: []string{"has no entry for " + ecrHost, `defers to credHelpers["` + ecrHost + `"] "ecr-login", but docker-credential-ecr-login is not installed`}},
	{name: "docker desktop: empty entries", file: dockerDesktopJSON, registry: "docker.io", wantErr: providers.ErrNotFound, errHas: []string{"holds no password or token for docker.io", `credsStore "desktop"`}},
	{name: "podman: namespace key wins", file: podmanAuthJSON, registry: "quay.io", repo: "team-a/app", wantUser: "team-a", wantSecret: secretPass},
	{name: "podman: namespace exact", file: podmanAuthJSON, registry: "quay.io", repo: "team-a", wantUser: "team-a", wantSecret: secretPass},
	{name: "podman: look-alike namespace gets the host key", file: podmanAuthJSON, registry: "quay.io", repo: "team-ab/app", wantUser: "quay-user", wantSecret: secretOther},
	{name: "podman: host request prefers the host key", file: podmanAuthJSON, registry: "quay.io", wantUser: "quay-user", wantSecret: secretOther},
	{name: "podman: docker.io key", file: podmanAuthJSON, registry: "docker.io", repo: "library/alpine", wantUser: "hub", wantSecret: secretToken},
	{name: "legacy dockercfg", file: legacyDockercfg, registry: "docker.io", wantUser: "alice", wantSecret: secretPass},
	{name: "legacy dockercfg: empty entry", file: legacyDockercfg, registry: "quay.io", wantErr: providers.ErrNotFound},
	{name: "k8s secret yaml", file: k8sSecretYAML, registry: "registry.example.com", repo: "app", wantUser: "alice", wantSecret: secretPass},
	{name: "k8s secret json", file: k8sSecretJSON, registry: "registry.example.com", wantUser: "alice", wantSecret: secretPass},
	{name: "k8s raw dockerconfigjson", file: kubectlPayload, registry: "registry.example.com", wantUser: "alice", wantSecret: secretPass},
	{name: "k8s secret: other registry", file: k8sSecretYAML, registry: "other.example.com", wantErr: providers.ErrNotFound, errHas: []string{"other.example.com"}},
	{name: "k8s stringData glob key", file: k8sStringDataYAML, registry: "eu.gcr.io", repo: "proj/app", wantUser: "_json_key", wantSecret: secretOther},
	{name: "k8s glob key needs its label", file: k8sStringDataYAML, registry: "gcr.io", wantErr: providers.ErrNotFound},
	{name: "k8s glob key look-alike", file: k8sStringDataYAML, registry: "eu.gcr.io.evil.example", wantErr: providers.ErrNotFound},
	{name: "k8s dockercfg secret", file: k8sDockercfgYAML, registry: "docker.io", repo: "library/nginx", wantUser: "alice", wantSecret: secretPass},
	{name: "auth overrides username and password", file: `{"auths":{"r.io":{"auth":"` + testkit.B64("real:"+secretPass) + `","username":"stale","password":"stale"}}}`, registry: "r.io", wantUser: "real", wantSecret: secretPass},
	{name: "username and password fields", file: `{"auths":{"http://r.io:8080/":{"username":"u","password":"` + secretPass + `"}}}`, registry: "r.io:8080", wantUser: "u", wantSecret: secretPass},
	{name: "unpadded auth", file: `{"auths":{"r.io":{"auth":"` + strings.TrimRight(testkit.B64("u:"+secretPass+"x"), "=") + `"}}}`, registry: "r.io", wantUser: "u", wantSecret: secretPass + "x"},
	{name: "password with colons", file: `{"auths":{"r.io":{"auth":"` + testkit.B64("u:a:b:"+secretPass) + `"}}}`, registry: "r.io", wantUser: "u", wantSecret: "a:b:" + secretPass},
	{name: "empty specific entry falls back to host", file: `{"auths":{"r.io/team":{},"r.io":{"auth":"` + testkit.B64("u:"+secretPass) + `"}}}`, registry: "r.io", repo: "team/app", wantUser: "u", wantSecret: secretPass},
	{name: "unusable keys are skipped", file: `{"auths":{"r.io/UPPER":{"auth":"` + testkit.B64("x:"+secretOther) + `"},"r.io":{"auth":"` + testkit.B64("u:"+secretPass) + `"}}}`, registry: "r.io", wantUser: "u", wantSecret: secretPass},
	{name: "no auths at all", file: `{"credsStore":"pass"}`, registry: "r.io", wantErr: providers.ErrNotFound, errHas: []string{`credsStore "pass"`}},
	{name: "byte order mark", file: "\xef\xbb\xbf" + kubectlPayload, registry: "registry.example.com", wantUser: "alice", wantSecret: secretPass},

	{name: "malformed json", file: `{"auths": {"r.io": {"auth": "` + secretPass, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"not valid JSON (syntax error at byte"}},
	{name: "auths not an object", file: `{"auths": ["` + secretPass + `"]}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`"auths" must map registries to objects of auth fields`}},
	{name: "secret data not a map", file: `{"kind": "Secret", "data": ["` + secretPass + `"]}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`"data" is a JSON array, not an object`}},
	{name: "legacy entry with wrong field type", file: `{"r.io": {"auth": ["` + secretPass + `"]}}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`entry "r.io" must be an object of auth fields`}},
	{name: "entry not an object", file: `{"auths": {"r.io": "` + secretPass + `"}}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`"auths" must map`}},
	{name: "auth not base64", file: `{"auths": {"r.io": {"auth": "!!` + secretPass + `"}}}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`entry "r.io": "auth" is not base64`}},
	{name: "auth without colon", file: `{"auths": {"r.io": {"auth": "` + testkit.B64(secretPass) + `"}}}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"does not decode to user:password"}},
	{name: "opaque secret", file: "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  password: " + testkit.B64(secretPass) + "\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`(type "Opaque") has no .dockerconfigjson or .dockercfg`}},
	{name: "secret data not base64", file: "kind: Secret\ndata:\n  .dockerconfigjson: '!" + secretPass + "'\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`data[".dockerconfigjson"] is not base64`}},
	{name: "secret payload not json", file: "kind: Secret\nstringData:\n  .dockerconfigjson: '{" + secretPass + "'\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`Secret's ".dockerconfigjson": not valid JSON`}},
	{name: "yaml but not a secret", file: "apiVersion: v1\nkind: ConfigMap\ndata:\n  x: " + secretPass + "\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{`no "kind: Secret"`}},
	{name: "yaml syntax error", file: "kind: Secret\ndata:\n  x: [" + secretPass + "\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"YAML"}},
	{name: "a password file by mistake", file: secretPass + "\n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"neither JSON nor a YAML Kubernetes Secret"}},
	{name: "binary garbage", file: "\x00\x01\xff" + secretPass, registry: "r.io", wantErr: providers.ErrInvalid},
	{name: "json array", file: `["` + secretPass + `"]`, registry: "r.io", wantErr: providers.ErrInvalid},
	{name: "empty file", file: "  \n", registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"empty"}},
	{name: "too large", file: `{"auths":{}, "x": "` + strings.Repeat("a", staticread.MaxFile) + `"}`, registry: "r.io", wantErr: providers.ErrInvalid, errHas: []string{"larger than"}},
}

func TestDockerConfig(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no helper the files name is installed
	for _, tc := range dockerCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"config.json": tc.file})
			path := filepath.Join(dir, "config.json")
			cred, logs, err := run(t, Config{DockerConfig: path}, nil, providers.Request{Registry: tc.registry, Repository: tc.repo})
			assertNoSecret(t, "log", logs)
			if tc.wantErr != nil {
				testkit.WantErr(t, err, tc.wantErr, append(tc.errHas, path)...)
				assertNoSecret(t, "error", err.Error())
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, tc.wantUser, cred.Username)
			assert.Equal(t, tc.wantSecret, cred.Secret.Reveal())
		})
	}
}

func TestDockerConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	_, _, err := run(t, Config{DockerConfig: path}, nil, providers.Request{Registry: "r.io"})
	testkit.WantErr(t, err, providers.ErrNotFound, "docker config "+path+" does not exist")
}

func TestDockerConfigHomeExpansion(t *testing.T) {
	home := t.TempDir()
	testkit.WriteFile(t, filepath.Join(home, ".docker", "config.json"), dockerLoginJSON)
	cred, _, err := run(t, Config{DockerConfig: "~/.docker/config.json"}, map[string]string{"HOME": home}, providers.Request{Registry: "ghcr.io"})
	require.NoError(t, err)
	require.Equal(t, "gh-user", cred.Username)
}
