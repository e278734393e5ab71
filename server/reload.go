package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
)

// Source is where rules come from: a file (FileSource) or an S3 object
// (site.Object).
type Source interface {
	// String names the source in logs and diagnostics.
	String() string
	// Fetch returns the content and its version when the version differs
	// from version, and (nil, version, nil) when nothing changed. Versions
	// are opaque; "" means none yet.
	Fetch(ctx context.Context, version string) (data []byte, newVersion string, err error)
}

// FileSource is a rules file on disk, polled with stat: a changed size,
// modification time or file (an editor's temporary file renamed over it)
// makes it read again; its content hash is its version, so a file touched
// but not changed is not compiled again.
type FileSource struct {
	Path string

	mu   sync.Mutex
	last fs.FileInfo
}

func (s *FileSource) String() string { return s.Path }

// Fetch implements Source.
func (s *FileSource) Fetch(ctx context.Context, version string) ([]byte, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(s.Path)
	if err != nil {
		return nil, version, err
	}
	if version != "" && s.last != nil && os.SameFile(fi, s.last) &&
		fi.Size() == s.last.Size() && fi.ModTime().Equal(s.last.ModTime()) {
		return nil, version, nil
	}
	data, err := os.ReadFile(s.Path)
	if err != nil {
		return nil, version, err
	}
	s.last = fi
	sum := sha256.Sum256(data)
	v := "sha256:" + hex.EncodeToString(sum[:])
	if v == version {
		return nil, version, nil
	}
	return data, v, nil
}

// Reloader keeps a Handler's rules in step with a Source.
type Reloader struct {
	Handler *Handler
	Source  Source
	Options engine.Options
	// Interval between polls; 0 means 250ms.
	Interval time.Duration
	// Log gets a record for each reload and each failed one; nil uses the
	// handler's log.
	Log *slog.Logger

	version string
	lastErr string
}

// Load fetches the source and, when it changed and compiles without
// errors, starts serving it. It returns the compiled file (nil when
// nothing changed) and an error when it could not be fetched or has errors;
// then the rules being served stay as they were.
func (rl *Reloader) Load(ctx context.Context) (*signpost.Compiled, error) {
	data, v, err := rl.Source.Fetch(ctx, rl.version)
	if err != nil {
		return nil, err
	}
	// A failed version is not compiled again until it changes.
	rl.version = v
	if data == nil {
		return nil, nil
	}
	c := signpost.Compile(rl.Source.String(), data, rl.Options)
	if c.Table == nil {
		rl.Handler.metrics.reloaded(false)
		if err := c.Diagnostics.Err(); err != nil {
			return c, err
		}
		return c, fmt.Errorf("%s: the rules did not compile", rl.Source)
	}
	rl.Handler.SetRules(c, rl.Source.String(), v)
	rl.Handler.metrics.reloaded(true)
	return c, nil
}

// Run polls the source until ctx is done, reloading on every change.
func (rl *Reloader) Run(ctx context.Context) {
	every := rl.Interval
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	log := rl.Log
	if log == nil {
		log = rl.Handler.cfg.Log
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c, err := rl.Load(ctx)
		rl.report(ctx, log, c, err)
	}
}

func (rl *Reloader) report(ctx context.Context, log *slog.Logger, c *signpost.Compiled, err error) {
	switch {
	case err != nil && c == nil:
		// The source could not be read (a file between an editor's
		// delete and rename, S3 failing): say so once per distinct error.
		if ctx.Err() == nil && err.Error() != rl.lastErr {
			log.Error("rules not reloaded: still serving the previous rules", "source", rl.Source.String(), "err", err)
		}
		rl.lastErr = err.Error()
	case err != nil:
		rl.lastErr = ""
		log.Error("rules not reloaded: the new file has errors; still serving the previous rules",
			"source", rl.Source.String(), "errors", len(c.Diagnostics.Errors()))
		for _, d := range c.Diagnostics {
			log.Error(d.String())
		}
	case c != nil:
		rl.lastErr = ""
		warnings := len(c.Diagnostics) - len(c.Diagnostics.Errors())
		log.Info("rules reloaded", "source", rl.Source.String(), "rules", len(c.Set.Rules), "warnings", warnings)
		for _, d := range c.Diagnostics {
			log.Warn(d.String())
		}
	}
}
