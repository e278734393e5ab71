package site

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

// TestDirTopNames: a name under a top-level entry that is not there fails
// from memory, and a top-level entry added while serving is found once
// the names are a second old.
func TestDirTopNames(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("home"), 0o644)
	fsys, root, err := Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	rfs := fsys.(*rootFS)
	open := func(name string) error {
		f, err := fsys.Open(name)
		if err == nil {
			f.Close()
		}
		return err
	}
	if err := open("index.html"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"docs/a.html", "missing.html", ".env"} {
		if !rfs.absent(name) || !errors.Is(open(name), fs.ErrNotExist) {
			t.Errorf("%s: want absent and not found", name)
		}
	}
	for _, name := range []string{"INDEX.html", "café/x", "index.html/x"} {
		if rfs.absent(name) {
			t.Errorf("%s: absent, but only the file system can tell", name)
		}
	}
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "a.html"), []byte("a"), 0o644)
	rfs.top.Load().read = time.Now().Add(-topTTL) // a second later
	if err := open("docs/a.html"); err != nil {
		t.Errorf("a page added while serving: %v", err)
	}
}

// TestDirFS: the directory is a whole fs.FS, its root included, so that
// what walks a file system (fs.WalkDir, fs.ReadDir) can walk a site.
func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("home"), 0o644)
	os.WriteFile(filepath.Join(dir, "docs", "a.html"), []byte("a"), 0o644)
	fsys, root, err := Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := fstest.TestFS(fsys, "index.html", "docs/a.html"); err != nil {
		t.Error(err)
	}
}
