package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// CertificateCheckInterval is how often a Certificate looks at its files
// for a renewal, at most: on a TLS handshake, when this long has passed
// since the last look.
const CertificateCheckInterval = 10 * time.Second

// Certificate serves a TLS certificate and key from PEM files, and loads
// them again when either file changes (as certbot and the like renew them
// in place), so that a renewal needs no restart. A renewal that does not
// load (a half-written file, a key that does not match) is logged and the
// certificate before it keeps serving.
type Certificate struct {
	certFile, keyFile string
	log               *slog.Logger

	every time.Duration // CertificateCheckInterval; shorter in tests

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // the files' sizes and modification times when loaded
	checked time.Time
}

// LoadCertificate loads the pair; its error names the file at fault.
func LoadCertificate(certFile, keyFile string, log *slog.Logger) (*Certificate, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Certificate{certFile: certFile, keyFile: keyFile, log: log, every: CertificateCheckInterval}
	stamp, err := c.stat()
	if err != nil {
		return nil, err
	}
	cert, err := c.load()
	if err != nil {
		return nil, err
	}
	c.cert, c.stamp, c.checked = cert, stamp, time.Now()
	c.logLoaded("certificate loaded")
	return c, nil
}

// GetCertificate is for tls.Config.GetCertificate.
func (c *Certificate) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) >= c.every {
		c.checked = time.Now()
		c.reloadIfChanged()
	}
	return c.cert, nil
}

// reloadIfChanged loads the files again when they changed; c.mu is held.
func (c *Certificate) reloadIfChanged() {
	stamp, err := c.stat()
	if err != nil {
		c.log.Error("certificate not reloaded: the previous one keeps serving", "err", err)
		return
	}
	if stamp == c.stamp {
		return
	}
	cert, err := c.load()
	if err != nil {
		// Perhaps written half yet: tried again at the next check.
		c.log.Error("certificate not reloaded: the previous one keeps serving", "err", err)
		return
	}
	c.cert, c.stamp = cert, stamp
	c.logLoaded("certificate reloaded")
}

func (c *Certificate) stat() (string, error) {
	stamp := ""
	for _, name := range []string{c.certFile, c.keyFile} {
		fi, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		stamp += fmt.Sprintf("%d@%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp, nil
}

func (c *Certificate) load() (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s and key %s: %w", c.certFile, c.keyFile, err)
	}
	return &cert, nil
}

// logLoaded logs what the certificate is for and until when.
func (c *Certificate) logLoaded(msg string) {
	leaf := c.cert.Leaf
	if leaf == nil {
		var err error
		if leaf, err = x509.ParseCertificate(c.cert.Certificate[0]); err != nil {
			return
		}
	}
	attrs := []any{"file", c.certFile, "names", leaf.DNSNames, "expires", leaf.NotAfter.UTC().Format(time.RFC3339)}
	switch left := time.Until(leaf.NotAfter); {
	case left <= 0:
		c.log.Error(msg+": it has expired", attrs...)
	case left < 14*24*time.Hour:
		c.log.Warn(msg+": it expires within two weeks", attrs...)
	default:
		c.log.Info(msg, attrs...)
	}
}
