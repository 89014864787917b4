package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

// FS serves keys from an [fs.FS], for example an [embed.FS] holding sample
// images or the [os.DirFS] of a directory. It is safe for concurrent use if
// the file system is.
//
// The content type comes from the key's extension through a fixed table of
// image types (see [FS.Open]), so it does not depend on the host's MIME
// configuration. FS reports no ETag or Cache-Control.
//
// Hidden files are not served: a key with a segment that starts with a dot,
// at any level (".env", ".git/config", "a/.hidden/b.jpg"), is not found.
// Over a directory of the local file system, such as an [os.DirFS], a key
// whose file lies outside the directory once symbolic links are resolved is
// not found either, so a link such as "passwd.jpg -> /etc/passwd" serves
// nothing.
type FS struct {
	fsys fs.FS
}

var (
	_ Source     = (*FS)(nil)
	_ KeyChecker = (*FS)(nil)
)

// NewFS returns an FS that serves keys from fsys.
func NewFS(fsys fs.FS) *FS {
	return &FS{fsys: fsys}
}

// contentTypes maps lower-case file extensions to media types.
var contentTypes = map[string]string{
	".avif": "image/avif",
	".bmp":  "image/bmp",
	".gif":  "image/gif",
	".heic": "image/heic",
	".heif": "image/heif",
	".ico":  "image/x-icon",
	".jpeg": "image/jpeg",
	".jpg":  "image/jpeg",
	".jxl":  "image/jxl",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".tif":  "image/tiff",
	".tiff": "image/tiff",
	".webp": "image/webp",
}

// defaultContentType is reported for extensions missing from contentTypes.
const defaultContentType = "application/octet-stream"

// CheckKey returns nil if key is accepted by [CheckPathKey] and names no
// hidden file, without touching the file system.
func (s *FS) CheckKey(key string) error {
	if err := CheckPathKey(key); err != nil {
		return err
	}
	return hiddenKey(key)
}

// Open opens the file named key. key must be accepted by [FS.CheckKey];
// otherwise Open returns its error without touching the file system.
//
// The content type is taken from the extension, case-insensitively:
// .avif, .bmp, .gif, .heic, .heif, .ico, .jpeg, .jpg, .jxl, .png, .svg, .tif,
// .tiff and .webp have their image types, anything else is
// "application/octet-stream". Size and ModTime come from the file's
// [fs.FileInfo]; a file system that records no modification time, such as
// an embed.FS, gives the zero time.
//
// A missing file, a directory, or a key that runs through a file (as
// "a.jpg/b" does) is reported as [ErrNotFound], and so is a file of the
// local file system (an [*os.File]) that resolves outside the directory it
// was opened from. A permission error is reported as [ErrPermission].
func (s *FS) Open(ctx context.Context, key string) (*Object, error) {
	if err := s.CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, openError(key, nil, err)
	}
	if s == nil || s.fsys == nil {
		return nil, fmt.Errorf("source: open %q: FS has no file system", key)
	}
	f, err := s.fsys.Open(key)
	if err != nil {
		return nil, fsError(key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fsError(key, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, openError(key, ErrNotFound, fmt.Errorf("not a regular file (mode %v)", info.Mode()))
	}
	if osf, ok := f.(*os.File); ok {
		if err := checkInRoot(osf, key); err != nil {
			f.Close()
			if errors.Is(err, errOutsideRoot) {
				return nil, openError(key, ErrNotFound, err)
			}
			return nil, fsError(key, err)
		}
	}
	ct, ok := contentTypes[strings.ToLower(path.Ext(key))]
	if !ok {
		ct = defaultContentType
	}
	return &Object{
		Body:        f,
		ContentType: ct,
		Size:        info.Size(),
		ModTime:     info.ModTime(),
	}, nil
}

// fsError wraps err, returned by the file system for key, with the sentinel
// error matching it.
func fsError(key string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// ENOTDIR: a file in the middle of the key, as in "a.jpg/b".
		return openError(key, ErrNotFound, err)
	case errors.Is(err, fs.ErrPermission):
		return openError(key, ErrPermission, err)
	}
	return openError(key, nil, err)
}
