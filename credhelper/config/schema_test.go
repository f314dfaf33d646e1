package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// The JSON Schema (docs/config.schema.json) is what editors complete and
// validate the config with. These tests keep it true: every example config
// in the repository validates against it and loads with the Go loader, bad
// configs fail both, and its keys are derived from the Go structs so the
// two cannot drift.

const schemaPath = "../../docs/config.schema.json"

// allKinds maps every backend's config key to its Config type.
func allKinds() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, k := range Kinds() {
		m[k.Name()] = k.ConfigType()
	}
	return m
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err, "%s is not JSON", schemaPath)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("config.schema.json", doc))
	sch, err := c.Compile("config.schema.json")
	require.NoError(t, err, "the schema does not compile")
	return sch
}

// yamlInstance turns YAML into the JSON value a validator (and an editor's
// YAML language server) sees.
func yamlInstance(t *testing.T, src string) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(src), &v), "not YAML:\n%s", src)
	if v == nil {
		v = map[string]any{}
	}
	data, err := json.Marshal(v)
	require.NoError(t, err, "not JSON-compatible")
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	return inst
}

// example is a config found in the repository.
type example struct {
	where, yaml string
}

var fencedYAML = regexp.MustCompile("(?s)```ya?ml\n(.*?)```")

// repoExamples collects the regcred configs in the Markdown docs (fenced
// yaml blocks whose top-level keys are config keys) and in testdata.
func repoExamples(t *testing.T) []example {
	t.Helper()
	var out []example
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, md := range append(docs, "../../README.md") {
		data, err := os.ReadFile(md)
		require.NoError(t, err)
		for i, m := range fencedYAML.FindAllStringSubmatch(string(data), -1) {
			if isRegcredConfig(m[1]) {
				out = append(out, example{where: filepath.Base(md) + " block " + strconv.Itoa(i+1), yaml: m[1]})
			}
		}
	}
	for _, dir := range []string{"../../testdata", "../testdata"} {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || (filepath.Ext(p) != ".yaml" && filepath.Ext(p) != ".yml") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err == nil && isRegcredConfig(string(data)) {
				out = append(out, example{where: p, yaml: string(data)})
			}
			return nil
		})
	}
	return out
}

// isRegcredConfig: a mapping whose keys are all regcred's top-level keys
// (a kubelet CredentialProviderConfig or a compose file is not).
func isRegcredConfig(src string) bool {
	var m map[string]any
	if yaml.Unmarshal([]byte(src), &m) != nil || len(m) == 0 {
		return false
	}
	for k := range m {
		if k != "cache" && k != "defaults" && k != "registries" {
			return false
		}
	}
	return true
}

func TestExampleConfigsValidate(t *testing.T) {
	sch := compileSchema(t)
	examples := repoExamples(t)
	require.GreaterOrEqual(t, len(examples), 5, "example configs found; the docs and README should hold more")
	for _, ex := range examples {
		t.Run(ex.where, func(t *testing.T) {
			assert.NoError(t, sch.Validate(yamlInstance(t, ex.yaml)), "does not validate against the schema:\n%s", ex.yaml)
			_, err := Parse(ex.where, []byte(ex.yaml))
			assert.NoError(t, err, "the Go loader refuses it:\n%s", ex.yaml)
		})
	}
}

func TestBadConfigsFailTheSchema(t *testing.T) {
	sch := compileSchema(t)
	tests := []struct{ name, yaml string }{
		{"unknown top-level key", "registry: []\n"},
		{"unknown entry key", "registries:\n  - match: a.example.com\n    matches: x\n    anonymous: {}\n"},
		{"no match", "registries:\n  - anonymous: {}\n"},
		{"no backend", "registries:\n  - match: a.example.com\n"},
		{"two backends", "registries:\n  - match: a.example.com\n    anonymous: {}\n    static: {username: u, passwordEnv: P}\n"},
		{"static without password", "registries:\n  - match: a.example.com\n    static: {username: u}\n"},
		{"static with two passwords", "registries:\n  - match: a.example.com\n    static: {username: u, password: p, passwordEnv: P}\n"},
		{"dockerConfig with a username", "registries:\n  - match: a.example.com\n    static: {dockerConfig: /x.json, username: u}\n"},
		{"static unknown key", "registries:\n  - match: a.example.com\n    static: {user: u, passwordEnv: P}\n"},
		{"anonymous with a setting", "registries:\n  - match: a.example.com\n    anonymous: {public: true}\n"},
		{"bad cache store", "cache: {store: redis}\n"},
		{"bad ttl", "cache: {ttl: 5 minutes}\n"},
		{"verify not a bool", "registries:\n  - match: a.example.com\n    verify: always\n    anonymous: {}\n"},
		{"registries not a list", "registries: {match: a.example.com}\n"},
		{"vault auth method", "registries:\n  - match: a.example.com\n    vault: {path: secret/x, auth: {method: ldap}}\n"},
		{"ocivault id and name", "registries:\n  - match: a.example.com\n    ocivault: {secretId: ocid1.vaultsecret.oc1.iad.x, secretName: n, vaultId: ocid1.vault.oc1.iad.y}\n"},
		{"vault role annotation with the node's jwtFile", "registries:\n  - match: a.example.com\n    vault: {path: secret/x, auth: {method: kubernetes, roleAnnotation: x/role, jwtFile: /t}}\n"},
		{"answersAnyPod not a bool", "registries:\n  - match: a.example.com\n    answersAnyPod: yes please\n    anonymous: {}\n"},
		{"ecr unknown key", "registries:\n  - match: 123456789012.dkr.ecr.eu-west-1.amazonaws.com\n    ecr: {role: x}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Error(t, sch.Validate(yamlInstance(t, tt.yaml)), "the schema accepts it:\n%s", tt.yaml)
			_, err := Parse("bad.yaml", []byte(tt.yaml))
			assert.Error(t, err, "the schema refuses it but the Go loader accepts it:\n%s", tt.yaml)
		})
	}
}

// schemaDoc is the schema as plain JSON, for the drift checks.
type schemaNode struct {
	Ref         string                 `json:"$ref"`
	Properties  map[string]*schemaNode `json:"properties"`
	Definitions map[string]*schemaNode `json:"definitions"`
	OneOf       []*schemaNode          `json:"oneOf"`
	Required    []string               `json:"required"`
	Description string                 `json:"description"`
}

func loadSchemaDoc(t *testing.T) *schemaNode {
	t.Helper()
	var root schemaNode
	require.NoError(t, json.Unmarshal(testkit.ReadFile(t, schemaPath), &root))
	return &root
}

// resolve follows a local "#/definitions/x" reference.
func (root *schemaNode) resolve(n *schemaNode) *schemaNode {
	for n != nil && strings.HasPrefix(n.Ref, "#/definitions/") {
		n = root.Definitions[strings.TrimPrefix(n.Ref, "#/definitions/")]
	}
	return n
}

// yamlFields returns a struct's YAML keys and the struct-typed ones' types.
func yamlFields(typ reflect.Type) (keys []string, nested map[string]reflect.Type) {
	nested = map[string]reflect.Type{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[Duration]() {
			nested[name] = ft
		}
	}
	slices.Sort(keys)
	return keys, nested
}

// compareStruct checks that node's properties are exactly typ's YAML keys,
// recursing into nested structs.
func compareStruct(t *testing.T, root, node *schemaNode, typ reflect.Type, where string) {
	t.Helper()
	node = root.resolve(node)
	if !assert.NotNil(t, node, "%s: not in the schema", where) {
		return
	}
	keys, nested := yamlFields(typ)
	var props []string
	for k := range node.Properties {
		props = append(props, k)
	}
	slices.Sort(props)
	assert.Equal(t, keys, props, "%s: the schema's properties (actual) and %s's fields (expected)", where, typ)
	for name, nt := range nested {
		if _, isKind := allKinds()[name]; isKind && typ == reflect.TypeFor[Entry]() {
			continue // the backends, checked one by one
		}
		compareStruct(t, root, node.Properties[name], nt, where+"."+name)
	}
}

func TestSchemaMatchesTheGoStructs(t *testing.T) {
	root := loadSchemaDoc(t)
	compareStruct(t, root, root, reflect.TypeFor[Config](), "config")
	entry := root.Definitions["entry"]
	keys := newEntryShape(Kinds()).keys()
	slices.Sort(keys)
	var props []string
	for k := range entry.Properties {
		props = append(props, k)
	}
	slices.Sort(props)
	assert.Equal(t, keys, props, "entry: the schema's properties (actual) and Entry's fields with the kinds (expected)")
	var oneOf []string
	for _, alt := range entry.OneOf {
		oneOf = append(oneOf, alt.Required...)
	}
	slices.Sort(oneOf)
	var kindNames []string
	for name, typ := range allKinds() {
		kindNames = append(kindNames, name)
		compareStruct(t, root, entry.Properties[name], typ, "registries[]."+name)
	}
	slices.Sort(kindNames)
	assert.Equal(t, kindNames, oneOf, "entry.oneOf (actual) and the backends (expected)")
}

// TestConfigReferenceCoversTheSchema: docs/config.md, the README's config
// reference, names every key of the schema.
func TestConfigReferenceCoversTheSchema(t *testing.T) {
	root := loadSchemaDoc(t)
	doc := string(testkit.ReadFile(t, "../../docs/config.md"))
	var walk func(n *schemaNode, where string)
	seen := map[*schemaNode]bool{}
	walk = func(n *schemaNode, where string) {
		n = root.resolve(n)
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for k, child := range n.Properties {
			assert.Contains(t, doc, "`"+k+"`", "docs/config.md does not mention `%s` (%s.%s)", k, where, k)
			walk(child, where+"."+k)
		}
	}
	walk(root, "config")
}
