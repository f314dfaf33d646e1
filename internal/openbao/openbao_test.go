package openbao_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/regcred/regcred/internal/openbao"
)

var bao openbao.Shared // one server for this test binary

func TestMain(m *testing.M) {
	code := m.Run()
	bao.Close()
	os.Exit(code)
}

func TestSharedServerAnswers(t *testing.T) {
	s := bao.Server(t)
	if again := bao.Server(t); again != s {
		t.Fatal("Server started a second shared server")
	}
	m := s.Read(t, "", "sys/health")
	if m["sealed"] != false || m["initialized"] != true {
		t.Fatalf("health = %v", m)
	}
	if n := len(s.Accessors(t, "")); n != 1 {
		t.Errorf("a fresh dev server has %d tokens, want 1 (root)", n)
	}
}

func TestDedicatedSealsAndStops(t *testing.T) {
	s := bao.Dedicated(t)
	ctx := context.Background()
	if err := s.Seal(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := s.Do(ctx, openbao.Request{Method: http.MethodGet, Path: "sys/health"})
	if err != nil || r.Status != http.StatusServiceUnavailable {
		t.Fatalf("sealed health = %d, %v", r.Status, err)
	}
	if err := s.Unseal(ctx); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if _, err := s.Do(ctx, openbao.Request{Method: http.MethodGet, Path: "sys/health"}); err == nil {
		t.Fatal("a stopped server answered")
	}
}
