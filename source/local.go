package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// errOutsideRoot is the cause of the error for a key whose file, once
// symbolic links are resolved, is not below the root it was opened from.
var errOutsideRoot = errors.New("resolves outside the root")

// testHookResolved, if not nil, is called by checkInRoot once the path of
// the file it checks is resolved.
var testHookResolved func()

// checkInRoot returns nil if f, a local file opened under the root of a
// source as the path key (accepted by CheckPathKey), is inside that root
// once symbolic links are resolved, and errOutsideRoot otherwise. f's name
// must be the root's path joined with key, as os.DirFS and fileblob name
// the files they open.
//
// The resolved path must also still name the file f holds, so a link
// swapped between the open and the check is refused too.
func checkInRoot(f *os.File, key string) error {
	name := f.Name()
	root := name
	for range strings.Count(key, "/") + 1 {
		root = filepath.Dir(root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	realName, err := filepath.EvalSymlinks(name)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(realRoot, realName)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return errOutsideRoot
	}
	if testHookResolved != nil {
		testHookResolved()
	}
	opened, err := f.Stat()
	if err != nil {
		return err
	}
	// The resolved path is looked up again below the root, where no link
	// may lead out of it: a plain path name could meet a link put back
	// since it was resolved.
	r, err := os.OpenRoot(realRoot)
	if err != nil {
		return err
	}
	defer r.Close()
	resolved, err := r.Stat(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return err
		}
		return fmt.Errorf("%w: %w", errOutsideRoot, err)
	}
	if !os.SameFile(opened, resolved) {
		return fmt.Errorf("%w: the file changed while it was opened", errOutsideRoot)
	}
	return nil
}

// hiddenKey returns an error wrapping ErrNotFound if a segment of key, at
// any level, starts with a dot (".env", ".git/config", "a/.hidden/b.jpg"):
// such files are hidden, and often hold configuration or secrets.
func hiddenKey(key string) error {
	for seg := range strings.SplitSeq(key, "/") {
		if strings.HasPrefix(seg, ".") {
			return openError(key, ErrNotFound, fmt.Errorf("hidden path segment %q", seg))
		}
	}
	return nil
}
