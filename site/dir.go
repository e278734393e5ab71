package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
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
	return rootFS{root.FS()}, root, nil
}

type rootFS struct{ fsys fs.FS }

func (r rootFS) Open(name string) (fs.File, error) {
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
