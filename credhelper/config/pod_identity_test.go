package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

func TestPodIdentityAtLoad(t *testing.T) {
	tests := []struct {
		name      string
		entry     string
		wantErr   string // "" loads
		wantPod   bool
		wantAnswr bool
	}{
		{name: "vault role annotation with the pod's token",
			entry: `vault: {path: kv/a, auth: {method: kubernetes, roleAnnotation: regcred.example.com/role}}`, wantPod: true, wantAnswr: true},
		{name: "vault role annotation with the node's jwtFile",
			entry:   `vault: {path: kv/a, auth: {method: kubernetes, roleAnnotation: regcred.example.com/role, jwtFile: /var/lib/kubelet/token}}`,
			wantErr: "the role would be chosen by the pod's annotation but the login made with the token in /var/lib/kubelet/token"},
		{name: "vault kubernetes with jwtFile is the node's",
			entry: `vault: {path: kv/a, auth: {method: kubernetes, role: r, jwtFile: /t}}`},
		{name: "vault approle is the node's", entry: `vault: {path: kv/a, auth: {method: approle, roleId: r}}`},
		{name: "vault approle may answer any pod", entry: `{answersAnyPod: true, vault: {path: kv/a, auth: {method: approle, roleId: r}}}`, wantAnswr: true},
		{name: "ecr role ARN annotation", entry: `ecr: {roleArnAnnotation: eks.amazonaws.com/role-arn}`, wantPod: true, wantAnswr: true},
		{name: "ecr ambient", entry: `ecr: {}`},
		{name: "acr client ID annotation", entry: `acr: {clientIdAnnotation: azure.workload.identity/client-id}`, wantPod: true, wantAnswr: true},
		{name: "acr ambient", entry: `acr: {}`},
		{name: "answersAnyPod on an acr pod-identity entry",
			entry: `{answersAnyPod: true, acr: {clientIdAnnotation: azure.workload.identity/client-id}}`, wantErr: "logs in with the pod's own service-account token already"},
		{name: "ocir OKE workload identity", entry: `ocir: {auth: oke_workload_identity}`, wantPod: true, wantAnswr: true},
		{name: "ocir instance principal", entry: `ocir: {auth: instance_principal}`},
		{name: "static may answer any pod", entry: `{answersAnyPod: true, static: {username: u, passwordEnv: P}}`, wantAnswr: true},
		{name: "answersAnyPod on a pod-identity entry",
			entry: `{answersAnyPod: true, ecr: {roleArnAnnotation: eks.amazonaws.com/role-arn}}`, wantErr: "logs in with the pod's own service-account token already"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "registries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n"
			if strings.HasPrefix(tt.entry, "{") {
				doc = "registries:\n  - " + strings.Replace(tt.entry, "{", `{match: "*.dkr.ecr.*.amazonaws.com", `, 1) + "\n"
			} else {
				doc += "    " + tt.entry + "\n"
			}
			doc = strings.Replace(doc, `"*.dkr.ecr.*.amazonaws.com"`, `"a.ocir.io"`, strings.Count(tt.entry, "ocir:"))
			cfg, err := Parse("cfg.yaml", []byte(doc))
			if tt.wantErr != "" {
				require.Error(t, err, "Parse(%s) = %v, want an error with %q", doc, err, tt.wantErr)
				require.Contains(t, err.Error(), tt.wantErr, "Parse(%s) = %v, want an error with %q", doc, err, tt.wantErr)
				return
			}
			require.NoError(t, err, "Parse(%s)", doc)
			e := &cfg.Registries[0]
			got := e.UsesPodIdentity()
			assert.Equal(t, tt.wantPod, got, "UsesPodIdentity = %v, want %v", got, tt.wantPod)
			got = e.AnswersPod()
			assert.Equal(t, tt.wantAnswr, got, "AnswersPod = %v, want %v", got, tt.wantAnswr)
		})
	}
}

// TestEveryAnnotationSettingIsPodIdentity audits every kind, including
// kinds added later: a setting that names a service-account annotation
// (its YAML key says "annotation") must be reported by the kind's
// providers.PodIdentity, so the loader can refuse it in a login that is
// not the pod's.
func TestEveryAnnotationSettingIsPodIdentity(t *testing.T) {
	for name, typ := range allKinds() {
		for _, path := range annotationFields(typ, nil) {
			t.Run(name+"/"+yamlPath(typ, path), func(t *testing.T) {
				v := reflect.New(typ).Elem()
				const key = "audit.example.com/identity"
				v.FieldByIndex(path).SetString(key)
				pi, ok := v.Interface().(providers.PodIdentity)
				require.True(t, ok, "%s has annotation setting %s but does not implement providers.PodIdentity", typ, yamlPath(typ, path))
				assert.True(t, slices.Contains(pi.PodAnnotations(), key), "PodAnnotations() = %v does not report %s", pi.PodAnnotations(), yamlPath(typ, path))
			})
		}
	}
}

// annotationFields returns the index paths of the string fields, at any
// depth, whose YAML key contains "annotation".
func annotationFields(typ reflect.Type, prefix []int) [][]int {
	var out [][]int
	for i := range typ.NumField() {
		f := typ.Field(i)
		path := append(slices.Clone(prefix), i)
		switch {
		case f.Type.Kind() == reflect.Struct:
			out = append(out, annotationFields(f.Type, path)...)
		case f.Type.Kind() == reflect.String && strings.Contains(strings.ToLower(f.Tag.Get("yaml")), "annotation"):
			out = append(out, path)
		}
	}
	return out
}

func yamlPath(typ reflect.Type, path []int) string {
	var names []string
	for _, i := range path {
		f := typ.Field(i)
		names = append(names, strings.Split(f.Tag.Get("yaml"), ",")[0])
		typ = f.Type
	}
	return strings.Join(names, ".")
}
