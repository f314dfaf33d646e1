package openbao

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a running OpenBao dev server.
type Server struct {
	// Addr is its URL, https://127.0.0.1:<port>.
	Addr string
	// CACert is the file of the CA that signed its certificate.
	CACert string
	// RootToken is the dev root token.
	RootToken string

	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	client *http.Client

	mu        sync.Mutex
	unsealKey string
}

// readyWithin bounds the start-up; the server is ready in about 2 s.
const readyWithin = 30 * time.Second

// Start runs bin in dev mode in dir (which must exist) and waits until the
// server answers. A port taken in the meantime is retried on another.
func Start(ctx context.Context, bin, dir string) (*Server, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var s *Server
		if s, err = start(ctx, bin, filepath.Join(dir, "run-"+strconv.Itoa(attempt))); err == nil {
			return s, nil
		}
	}
	return nil, err
}

func start(ctx context.Context, bin, dir string) (*Server, error) {
	port, err := freePortPair()
	if err != nil {
		return nil, err
	}
	tlsDir := filepath.Join(dir, "tls")
	if err := os.MkdirAll(tlsDir, 0o700); err != nil {
		return nil, err
	}
	s := &Server{
		Addr:      "https://127.0.0.1:" + strconv.Itoa(port),
		CACert:    filepath.Join(tlsDir, "vault-ca.pem"),
		RootToken: "root-" + rand.Text(),
		dir:       dir,
		exited:    make(chan struct{}),
	}
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "server", "-dev", "-dev-no-store-token",
		"-dev-root-token-id="+s.RootToken, "-dev-listen-address=127.0.0.1:"+strconv.Itoa(port),
		"-dev-tls", "-dev-tls-cert-dir="+tlsDir, "-log-level=warn")
	// Its own environment: nothing of the developer's BAO_/VAULT_ settings.
	s.cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	s.cmd.SysProcAttr = sysProcAttr()
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w; server log:\n%s", err, s.Log())
	}
	// The server removes its TLS directory when it stops; tests of a
	// stopped server still need the CA.
	pem, err := os.ReadFile(s.CACert)
	if err == nil {
		s.CACert = filepath.Join(dir, "ca.pem")
		err = os.WriteFile(s.CACert, pem, 0o600)
	}
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// freePortPair finds a port p with p+1 free too (dev mode's cluster port).
func freePortPair() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+1))
		l.Close()
		if err == nil {
			l2.Close()
			return p, nil
		}
	}
	return 0, errors.New("no two consecutive free ports on 127.0.0.1")
}

// waitReady polls sys/health until it answers 200, with the CA once the
// server has written it.
func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(readyWithin)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("openbao exited during start-up")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if s.client == nil {
			c, err := newClient(s.CACert)
			if err != nil {
				continue // the CA is not written yet
			}
			s.client = c
		}
		if r, err := s.Do(ctx, Request{Method: http.MethodGet, Path: "sys/health"}); err == nil && r.Status == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("openbao did not answer within %s", readyWithin)
}

func newClient(caFile string) (*http.Client, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no certificate", caFile)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}}, nil
}

var unsealKeyLine = regexp.MustCompile(`Unseal Key: (\S+)`)

func findUnsealKey(log string) string {
	if m := unsealKeyLine.FindStringSubmatch(log); m != nil {
		return m[1]
	}
	return ""
}

// Log is what the server printed so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	return string(b)
}

// Stop ends the server (SIGTERM, then SIGKILL after 5 s) and waits for it.
// Calling it again does nothing.
func (s *Server) Stop() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(terminate())
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// Request is one API call; Path is below /v1/.
type Request struct {
	Method, Path string
	Token        string
	Namespace    string
	Body         any
}

// Response is the status and raw body of an answer.
type Response struct {
	Status int
	Body   []byte
}

// JSON decodes the body.
func (r Response) JSON() (map[string]any, error) {
	var m map[string]any
	err := json.Unmarshal(r.Body, &m)
	return m, err
}

// Do sends r as is.
func (s *Server) Do(ctx context.Context, r Request) (Response, error) {
	var body io.Reader
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return Response{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, s.Addr+"/v1/"+strings.TrimPrefix(r.Path, "/"), body)
	if err != nil {
		return Response{}, err
	}
	if r.Token != "" {
		req.Header.Set("X-Vault-Token", r.Token)
	}
	if r.Namespace != "" {
		req.Header.Set("X-Vault-Namespace", r.Namespace)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: b}, err
}

// Seal seals the server; every request then answers 503.
func (s *Server) Seal(ctx context.Context) error {
	return s.expectOK(ctx, Request{Method: http.MethodPut, Path: "sys/seal", Token: s.RootToken})
}

// Unseal unseals it with the key dev mode printed.
func (s *Server) Unseal(ctx context.Context) error {
	key, err := s.key(ctx)
	if err != nil {
		return err
	}
	return s.expectOK(ctx, Request{Method: http.MethodPut, Path: "sys/unseal", Body: map[string]any{"key": key}})
}

// key is the unseal key from the banner, which dev mode prints a moment
// after it starts answering.
func (s *Server) key(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; s.unsealKey == "" && i < 100; i++ {
		if s.unsealKey = findUnsealKey(s.Log()); s.unsealKey == "" {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	if s.unsealKey == "" {
		return "", errors.New("openbao printed no unseal key")
	}
	return s.unsealKey, nil
}

func (s *Server) expectOK(ctx context.Context, r Request) error {
	resp, err := s.Do(ctx, r)
	if err != nil {
		return err
	}
	if resp.Status/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", r.Method, r.Path, resp.Status, resp.Body)
	}
	return nil
}
