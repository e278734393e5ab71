package server

import (
	"bytes"
	"crypto/x509"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/internal/certtest"
	"github.com/signposthq/signpost/internal/syncbuf"
)

func served(t *testing.T, c *Certificate) *x509.Certificate {
	t.Helper()
	tc, err := c.GetCertificate(nil)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(tc.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

// A renewal written over the files is served from the next check on; a
// renewal that does not load leaves the last good certificate serving,
// and is logged, until it is mended.
func TestCertificateReload(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, first := certtest.Write(t, dir, 90*24*time.Hour)
	var logs syncbuf.Buffer
	c, err := LoadCertificate(certFile, keyFile, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	c.every = 0 // look at the files on every handshake
	if !strings.Contains(logs.String(), "certificate loaded") || !strings.Contains(logs.String(), "localhost") {
		t.Errorf("load not logged with the names: %s", logs.String())
	}
	if got := served(t, c); !got.Equal(first) {
		t.Fatal("not the certificate in the files")
	}
	// Modification times may not move between two quick writes: make sure.
	later := func(name string) {
		at := time.Now().Add(time.Minute)
		if err := os.Chtimes(name, at, at); err != nil {
			t.Fatal(err)
		}
	}

	// A half-written renewal: the old certificate keeps serving.
	keep, _ := os.ReadFile(certFile)
	os.WriteFile(certFile, keep[:len(keep)/2], 0o644)
	later(certFile)
	if got := served(t, c); !got.Equal(first) {
		t.Error("a broken renewal replaced the certificate")
	}
	if !strings.Contains(logs.String(), "certificate not reloaded") {
		t.Errorf("the broken renewal is not logged: %s", logs.String())
	}

	// The renewal, complete (a new key too), is served.
	_, _, second := certtest.Write(t, dir, 5*24*time.Hour)
	later(certFile)
	later(keyFile)
	if got := served(t, c); !got.Equal(second) {
		t.Error("the renewed certificate is not served")
	}
	if !strings.Contains(logs.String(), "expires within two weeks") {
		t.Errorf("a certificate close to expiry is not warned about: %s", logs.String())
	}
}

// Files that are missing or do not pair are refused with their names.
func TestLoadCertificateErrors(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := certtest.Write(t, dir, time.Hour)
	if _, err := LoadCertificate(certFile, dir+"/missing.pem", nil); err == nil || !strings.Contains(err.Error(), "missing.pem") {
		t.Errorf("missing key: %v", err)
	}
	other := t.TempDir()
	_, otherKey, _ := certtest.Write(t, other, time.Hour)
	if _, err := LoadCertificate(certFile, otherKey, nil); err == nil || !strings.Contains(err.Error(), certFile) {
		t.Errorf("a key of another certificate: %v", err)
	}
	if _, err := LoadCertificate(keyFile, certFile, nil); err == nil {
		t.Error("files swapped: no error")
	}
	var buf bytes.Buffer
	if _, err := LoadCertificate(certFile, keyFile, slog.New(slog.NewTextHandler(&buf, nil))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "expires within two weeks") {
		t.Errorf("an hour-long certificate is not warned about: %s", buf.String())
	}
}
