package source

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

var mod = time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"photos/dog.JPG":   {Data: []byte("jpeg bytes"), ModTime: mod},
		"photos/cat.jpeg":  {Data: []byte("cat")},
		"a.webp":           {Data: []byte("RIFF")},
		"b.png":            {Data: []byte("png")},
		"c.gif":            {Data: []byte("gif")},
		"d.avif":           {Data: []byte("avif")},
		"e.svg":            {Data: []byte("<svg/>")},
		"f.TIFF":           {Data: []byte("tiff")},
		"notes.txt":        {Data: []byte("text")},
		"noext":            {Data: []byte("?")},
		"empty.png":        {Data: nil},
		"ünïcödé/日本 語.jpg": {Data: []byte("日本")},
	}
}

func TestFSOpen(t *testing.T) {
	src := NewFS(testFS())
	tests := []struct {
		key, contentType, body string
	}{
		{"photos/dog.JPG", "image/jpeg", "jpeg bytes"},
		{"photos/cat.jpeg", "image/jpeg", "cat"},
		{"a.webp", "image/webp", "RIFF"},
		{"b.png", "image/png", "png"},
		{"c.gif", "image/gif", "gif"},
		{"d.avif", "image/avif", "avif"},
		{"e.svg", "image/svg+xml", "<svg/>"},
		{"f.TIFF", "image/tiff", "tiff"},
		{"notes.txt", "application/octet-stream", "text"},
		{"noext", "application/octet-stream", "?"},
		{"empty.png", "image/png", ""},
		{"ünïcödé/日本 語.jpg", "image/jpeg", "日本"},
	}
	for _, tt := range tests {
		obj, err := src.Open(context.Background(), tt.key)
		if err != nil {
			t.Errorf("Open(%q): %v", tt.key, err)
			continue
		}
		body, err := io.ReadAll(obj.Body)
		obj.Body.Close()
		if err != nil {
			t.Errorf("Open(%q): reading: %v", tt.key, err)
		}
		if string(body) != tt.body {
			t.Errorf("Open(%q): body %q, want %q", tt.key, body, tt.body)
		}
		if obj.ContentType != tt.contentType {
			t.Errorf("Open(%q): ContentType %q, want %q", tt.key, obj.ContentType, tt.contentType)
		}
		if obj.Size != int64(len(tt.body)) {
			t.Errorf("Open(%q): Size %d, want %d", tt.key, obj.Size, len(tt.body))
		}
		if obj.ETag != "" || obj.CacheControl != "" {
			t.Errorf("Open(%q): ETag %q, CacheControl %q; want both empty", tt.key, obj.ETag, obj.CacheControl)
		}
	}

	obj, err := src.Open(context.Background(), "photos/dog.JPG")
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()
	if !obj.ModTime.Equal(mod) {
		t.Errorf("ModTime = %v, want %v", obj.ModTime, mod)
	}
}

func TestFSErrors(t *testing.T) {
	src := NewFS(testFS())
	tests := []struct {
		key  string
		want error
	}{
		{"missing.jpg", ErrNotFound},
		{"photos", ErrNotFound},           // a directory
		{"photos/dog.JPG/x", ErrNotFound}, // through a file
		{"../b.png", ErrInvalidKey},
		{"/b.png", ErrInvalidKey},
		{"photos//dog.JPG", ErrInvalidKey},
		{"", ErrInvalidKey},
	}
	for _, tt := range tests {
		_, err := src.Open(context.Background(), tt.key)
		if !errors.Is(err, tt.want) {
			t.Errorf("Open(%q) = %v, want %v", tt.key, err, tt.want)
		}
	}
}

// countingFS counts Open calls and answers them with err.
type countingFS struct {
	calls int
	err   error
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.calls++
	return nil, &fs.PathError{Op: "open", Path: name, Err: c.err}
}

func TestFSInvalidKeyMakesNoCall(t *testing.T) {
	fsys := &countingFS{err: fs.ErrNotExist}
	src := NewFS(fsys)
	for _, key := range []string{"../a", "a/./b", `a\b`, "a\x00", "."} {
		if _, err := src.Open(context.Background(), key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if fsys.calls != 0 {
		t.Errorf("invalid keys made %d calls to the file system, want 0", fsys.calls)
	}
}

func TestFSBackendErrors(t *testing.T) {
	other := errors.New("disk on fire")
	tests := []struct {
		err, want error
	}{
		{fs.ErrNotExist, ErrNotFound},
		{fs.ErrPermission, ErrPermission},
		{other, nil},
	}
	for _, tt := range tests {
		_, err := NewFS(&countingFS{err: tt.err}).Open(context.Background(), "a.png")
		if !errors.Is(err, tt.err) {
			t.Errorf("Open = %v; the file system's error %v is not in the chain", err, tt.err)
		}
		for _, s := range []error{ErrNotFound, ErrPermission, ErrTimeout, ErrUnavailable, ErrInvalidKey} {
			if got := errors.Is(err, s); got != (s == tt.want) {
				t.Errorf("backend %v: errors.Is(%v, %v) = %v", tt.err, err, s, got)
			}
		}
	}
}

func TestFSDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.jpg"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := NewFS(os.DirFS(dir))
	obj, err := src.Open(context.Background(), "a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()
	if obj.Size != 1 || obj.ModTime.IsZero() || obj.ContentType != "image/jpeg" {
		t.Errorf("Open = %+v, want Size 1, a ModTime, image/jpeg", obj)
	}
	for _, key := range []string{"a.jpg/b", "missing/a.jpg"} {
		if _, err := src.Open(context.Background(), key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", key, err)
		}
	}
}

func TestFSContext(t *testing.T) {
	fsys := &countingFS{err: fs.ErrNotExist}
	src := NewFS(fsys)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := src.Open(ctx, "a.png")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrNotFound) {
		t.Errorf("Open with a cancelled context = %v, want context.Canceled", err)
	}
	if fsys.calls != 0 {
		t.Errorf("a cancelled Open made %d calls to the file system, want 0", fsys.calls)
	}
}

func TestFSZeroValue(t *testing.T) {
	for _, src := range []*FS{nil, {}, NewFS(nil)} {
		if _, err := src.Open(context.Background(), "a.png"); err == nil {
			t.Errorf("Open on %#v succeeded, want an error", src)
		}
	}
}

// A link out of the root put back after the file's path was resolved, and
// before the resolved path is looked at again, serves nothing: the check
// does not follow it. Both local sources run the same check.
func TestCheckInRootLinkSwappedBack(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	outside := filepath.Join(dir, "outside")
	for _, d := range []string{root, filepath.Join(root, "d"), outside, filepath.Join(outside, "d")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(outside, "d", "evil.jpg")
	if err := os.WriteFile(secret, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The file itself, then a directory in the middle of the key.
	for _, c := range []struct{ key, swapped, target string }{
		{"evil.jpg", filepath.Join(root, "evil.jpg"), secret},
		{"d/evil.jpg", filepath.Join(root, "d"), filepath.Join(outside, "d")},
	} {
		t.Run(c.key, func(t *testing.T) {
			plain := func() {
				if err := os.RemoveAll(c.swapped); err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(root, filepath.FromSlash(c.key))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("plain"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			link := func() {
				if err := os.RemoveAll(c.swapped); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(c.target, c.swapped); err != nil {
					t.Skipf("cannot make symbolic links: %v", err)
				}
			}
			// The file is opened through the link, the link is replaced
			// by a plain file while the path is resolved, and put back
			// right after.
			link()
			f, err := os.Open(filepath.Join(root, filepath.FromSlash(c.key)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			plain()
			testHookResolved = link
			t.Cleanup(func() { testHookResolved = nil })
			if err := checkInRoot(f, c.key); !errors.Is(err, errOutsideRoot) {
				b, _ := io.ReadAll(f)
				t.Errorf("checkInRoot(%q) = %v for a file holding %q, want errOutsideRoot", c.key, err, b)
			}
		})
	}
}
