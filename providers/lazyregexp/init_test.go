package lazyregexp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoBackendCompilesAtInit: no package the engine links under
// providers/ or credhelper/ compiles a regular expression in a
// package-level variable, which runs at every start for backends the
// request never touches; New, or a compile inside the function, instead.
// Test helper packages (…test) are not linked and not held to it.
func TestNoBackendCompilesAtInit(t *testing.T) {
	fset := token.NewFileSet()
	var found []string
	for _, root := range []string{"..", "../../credhelper"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && (d.Name() == "testdata" || strings.HasSuffix(d.Name(), "test") && path != root):
				return filepath.SkipDir
			case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range f.Decls {
				if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					ast.Inspect(g, func(n ast.Node) bool {
						if _, lazy := n.(*ast.FuncLit); lazy {
							return false // compiled when called
						}
						if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "MustCompile" {
							if id, ok := sel.X.(*ast.Ident); ok && id.Name == "regexp" {
								found = append(found, fset.Position(sel.Pos()).String())
							}
						}
						return true
					})
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
	assert.Empty(t, found, "package-level regexp.MustCompile (use lazyregexp.New)")
}
