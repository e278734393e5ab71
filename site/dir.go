package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"
)

// Dir opens the directory at path as a file system rooted there. Names that
// climb out of it ("..") and symbolic links that point outside it fail to
// open with fs.ErrPermission. The caller closes the returned root when done
// serving.
func Dir(path string) (fs.FS, *os.Root, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("site %s: %w", path, err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("site %s: not a directory", path)
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, nil, fmt.Errorf("site %s: %w", path, err)
	}
	return &rootFS{fsys: root.FS(), root: root}, root, nil
}

type rootFS struct {
	fsys fs.FS
	root *os.Root
	top  atomic.Pointer[topNames]
}

func (r *rootFS) Open(name string) (fs.File, error) {
	if r.absent(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	f, err := r.fsys.Open(name)
	if err != nil {
		// os.Root refuses a name that leaves the root with an error of
		// its own, not an errno: report it as the permission error it is.
		var errno syscall.Errno
		if !errors.As(err, &errno) && !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, fs.ErrNotExist) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return nil, err
	}
	return f, nil
}

// topTTL is how long the names of the site's top directory are kept: a
// top-level file or directory added while serving is found within it.
const topTTL = time.Second

// topNames are the names in the site's top directory, lower-cased, as
// read at a moment.
type topNames struct {
	names map[string]struct{}
	read  time.Time
}

// absent reports whether name surely is not in the site because its first
// element is not in the top directory: most requests for pages that are
// not there (/wp-admin/..., /.env, a mistyped section) are answered without
// a system call of their own. It is false whenever it cannot tell: a
// non-ASCII first element (a file system may fold or normalize it), or a
// top directory it could not read. Case is ignored, as a case-insensitive
// file system would.
func (r *rootFS) absent(name string) bool {
	if name == "." {
		return false // the top directory itself
	}
	first, _, _ := strings.Cut(name, "/")
	for i := 0; i < len(first); i++ {
		if first[i] >= utf8.RuneSelf {
			return false
		}
	}
	top := r.top.Load()
	if now := time.Now(); top == nil || now.Sub(top.read) >= topTTL {
		top = r.readTop(now)
		r.top.Store(top)
	}
	if top.names == nil {
		return false
	}
	_, ok := top.names[strings.ToLower(first)]
	return !ok
}

// readTop reads the names of the top directory; names is nil when it
// cannot be read.
func (r *rootFS) readTop(now time.Time) *topNames {
	top := &topNames{read: now}
	d, err := r.root.Open(".")
	if err != nil {
		return top
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return top
	}
	top.names = make(map[string]struct{}, len(names))
	for _, n := range names {
		top.names[strings.ToLower(n)] = struct{}{}
	}
	return top
}
