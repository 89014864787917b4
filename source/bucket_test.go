package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"
	"gocloud.dev/gcerrors"
)

// writeBlob stores data under key in b with the given attributes.
func writeBlob(t *testing.T, b *blob.Bucket, key, data string, opts *blob.WriterOptions) {
	t.Helper()
	if err := b.WriteAll(context.Background(), key, []byte(data), opts); err != nil {
		t.Fatalf("writing %q: %v", key, err)
	}
}

// backends returns a memblob bucket and a fileblob bucket over a temporary
// directory, each closed when the test ends.
func backends(t *testing.T) map[string]*blob.Bucket {
	t.Helper()
	mem := memblob.OpenBucket(nil)
	t.Cleanup(func() { mem.Close() })
	file, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	return map[string]*blob.Bucket{"memblob": mem, "fileblob": file}
}

func TestBucketOpen(t *testing.T) {
	const data = "\xff\xd8\xff not really a JPEG"
	for name, bb := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			writeBlob(t, bb, "photos/dog.jpg", data, &blob.WriterOptions{
				ContentType:  "image/jpeg",
				CacheControl: "public, max-age=3600",
			})
			writeBlob(t, bb, "plain.png", "png", &blob.WriterOptions{ContentType: "image/png"})
			src := NewBucket(bb, nil)

			obj, err := src.Open(ctx, "photos/dog.jpg")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			body, err := io.ReadAll(obj.Body)
			if err != nil {
				t.Fatal(err)
			}
			if err := obj.Body.Close(); err != nil {
				t.Fatal(err)
			}
			if string(body) != data {
				t.Errorf("body = %q, want %q", body, data)
			}
			if obj.ContentType != "image/jpeg" {
				t.Errorf("ContentType = %q, want image/jpeg", obj.ContentType)
			}
			if obj.Size != int64(len(data)) {
				t.Errorf("Size = %d, want %d", obj.Size, len(data))
			}
			if obj.ETag == "" {
				t.Error("ETag is empty")
			}
			if obj.ModTime.IsZero() {
				t.Error("ModTime is zero")
			}
			if obj.CacheControl != "public, max-age=3600" {
				t.Errorf("CacheControl = %q, want %q", obj.CacheControl, "public, max-age=3600")
			}

			obj, err = src.Open(ctx, "plain.png")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			obj.Body.Close()
			if obj.ContentType != "image/png" || obj.CacheControl != "" || obj.Size != 3 {
				t.Errorf("plain.png: ContentType %q, CacheControl %q, Size %d; want image/png, \"\", 3",
					obj.ContentType, obj.CacheControl, obj.Size)
			}

			_, err = src.Open(ctx, "photos/cat.jpg")
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Open(missing) = %v, want ErrNotFound", err)
			}
			if gcerrors.Code(err) != gcerrors.NotFound {
				t.Errorf("Open(missing): gcerrors.Code = %v, want NotFound (backend error kept in the chain)", gcerrors.Code(err))
			}
			if err != nil && !strings.Contains(err.Error(), `"photos/cat.jpg"`) {
				t.Errorf("Open(missing) error %q does not name the key", err)
			}

			_, err = src.Open(ctx, "../dog.jpg")
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Open(../dog.jpg) = %v, want ErrInvalidKey", err)
			}
		})
	}
}

func TestBucketContext(t *testing.T) {
	for name, bb := range backends(t) {
		t.Run(name, func(t *testing.T) {
			writeBlob(t, bb, "a.jpg", "a", nil)
			src := NewBucket(bb, nil)

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := src.Open(ctx, "a.jpg")
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Open with a cancelled context = %v, want context.Canceled", err)
			}
			for _, sentinel := range []error{ErrNotFound, ErrPermission, ErrTimeout, ErrUnavailable, ErrInvalidKey} {
				if errors.Is(err, sentinel) {
					t.Errorf("Open with a cancelled context = %v, must not wrap %v", err, sentinel)
				}
			}

			ctx, cancel = context.WithDeadline(context.Background(), time.Unix(1, 0))
			defer cancel()
			_, err = src.Open(ctx, "a.jpg")
			if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Open with an expired context = %v, want ErrTimeout wrapping context.DeadlineExceeded", err)
			}
		})
	}
}

// fileblob keeps its keys inside its directory; a key that would leave it is
// refused by CheckPathKey even though a file exists at that path.
func TestBucketFileblobEscape(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.jpg"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	bb, err := fileblob.OpenBucket(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bb.Close()
	src := NewBucket(bb, nil)
	for _, key := range []string{"../secret.jpg", "/../secret.jpg", `..\secret.jpg`, "a/../../secret.jpg"} {
		obj, err := src.Open(context.Background(), key)
		if err == nil {
			obj.Body.Close()
		}
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

// spyDriver is a blob driver that records the calls made to it and answers
// with canned results. Methods it does not override panic, which fails the
// test.
type spyDriver struct {
	driver.Bucket

	mu        sync.Mutex
	calls     []string
	readErr   error                   // returned by NewRangeReader
	attrErr   error                   // returned by Attributes
	code      gcerrors.ErrorCode      // returned by ErrorCode
	readAttrs driver.ReaderAttributes // the reader's attributes
	attrs     driver.Attributes       // returned by Attributes
	opened    map[string]*spyReader   // readers by key
}

func (d *spyDriver) record(call string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, call)
}

func (d *spyDriver) callCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.calls)
}

func (d *spyDriver) ErrorCode(error) gcerrors.ErrorCode { return d.code }
func (d *spyDriver) As(any) bool                        { return false }
func (d *spyDriver) ErrorAs(error, any) bool            { return false }
func (d *spyDriver) Close() error                       { return nil }

func (d *spyDriver) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	d.record("Attributes " + key)
	if d.attrErr != nil {
		return nil, d.attrErr
	}
	a := d.attrs
	return &a, nil
}

func (d *spyDriver) NewRangeReader(ctx context.Context, key string, offset, length int64, opts *driver.ReaderOptions) (driver.Reader, error) {
	d.record("NewRangeReader " + key)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.readErr != nil {
		return nil, d.readErr
	}
	r := &spyReader{Reader: strings.NewReader("body"), attrs: d.readAttrs}
	d.mu.Lock()
	if d.opened == nil {
		d.opened = make(map[string]*spyReader)
	}
	d.opened[key] = r
	d.mu.Unlock()
	return r, nil
}

type spyReader struct {
	*strings.Reader
	attrs  driver.ReaderAttributes
	closed bool
}

func (r *spyReader) Close() error                         { r.closed = true; return nil }
func (r *spyReader) Attributes() *driver.ReaderAttributes { return &r.attrs }
func (r *spyReader) As(any) bool                          { return false }

func newSpy(t *testing.T) (*spyDriver, *Bucket) {
	t.Helper()
	mod := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	d := &spyDriver{
		readAttrs: driver.ReaderAttributes{ContentType: "image/png", ModTime: mod, Size: 4},
		attrs: driver.Attributes{
			ContentType: "image/png", ModTime: mod, Size: 4,
			ETag: `"v1"`, CacheControl: "max-age=60",
		},
	}
	bb := blob.NewBucket(d)
	t.Cleanup(func() { bb.Close() })
	return d, NewBucket(bb, nil)
}

func TestBucketInvalidKeyMakesNoDriverCall(t *testing.T) {
	d, src := newSpy(t)
	for _, key := range []string{"", "../a.png", "/a.png", "a//b.png", `a\b.png`, "a\x00.png", "a\xff.png", strings.Repeat("a", MaxKeyLen+1)} {
		_, err := src.Open(context.Background(), key)
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if n := d.callCount(); n != 0 {
		t.Errorf("invalid keys made %d driver calls (%v), want 0", n, d.calls)
	}

	// The spy does see valid keys, so the count above is meaningful.
	obj, err := src.Open(context.Background(), "ok/a.png")
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()
	if got, want := strings.Join(d.calls, "; "), "NewRangeReader ok/a.png; Attributes ok/a.png"; got != want {
		t.Errorf("driver calls = %q, want %q", got, want)
	}
}

func TestBucketAttributes(t *testing.T) {
	_, src := newSpy(t)
	obj, err := src.Open(context.Background(), "a.png")
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	want := Object{
		ContentType:  "image/png",
		Size:         4,
		ETag:         `"v1"`,
		ModTime:      time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
		CacheControl: "max-age=60",
	}
	got := *obj
	got.Body = nil
	if got != want {
		t.Errorf("Open = %+v, want %+v", got, want)
	}
}

// When the object is replaced between the reader and the attributes
// request, the validator of the new version must not be paired with the old
// body.
func TestBucketChangedBetweenRequests(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *driver.Attributes)
	}{
		{"size", func(a *driver.Attributes) { a.Size = 5 }},
		{"modtime", func(a *driver.Attributes) { a.ModTime = a.ModTime.Add(time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, src := newSpy(t)
			tt.change(&d.attrs)
			obj, err := src.Open(context.Background(), "a.png")
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Body.Close()
			if obj.ETag != "" || obj.CacheControl != "" {
				t.Errorf("ETag %q, CacheControl %q; want both empty", obj.ETag, obj.CacheControl)
			}
			if obj.Size != 4 || obj.ContentType != "image/png" {
				t.Errorf("Size %d, ContentType %q; want the reader's 4, image/png", obj.Size, obj.ContentType)
			}
		})
	}
}

func TestBucketAttributesErrorClosesReader(t *testing.T) {
	d, src := newSpy(t)
	d.attrErr = errors.New("gone")
	d.code = gcerrors.NotFound
	_, err := src.Open(context.Background(), "a.png")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Open = %v, want ErrNotFound", err)
	}
	if r := d.opened["a.png"]; r == nil || !r.closed {
		t.Error("the reader opened before the failed Attributes call was not closed")
	}
}

// temporaryNetError is a net.Error that is not a timeout.
type temporaryNetError struct{}

func (temporaryNetError) Error() string   { return "network is unreachable" }
func (temporaryNetError) Timeout() bool   { return false }
func (temporaryNetError) Temporary() bool { return true }

func TestBucketErrorMapping(t *testing.T) {
	backendErr := errors.New("backend says no")
	tests := []struct {
		name string
		code gcerrors.ErrorCode
		err  error
		want error // nil: no sentinel
	}{
		{"NotFound", gcerrors.NotFound, backendErr, ErrNotFound},
		{"PermissionDenied", gcerrors.PermissionDenied, backendErr, ErrPermission},
		{"DeadlineExceeded", gcerrors.DeadlineExceeded, backendErr, ErrTimeout},
		{"ResourceExhausted", gcerrors.ResourceExhausted, backendErr, ErrUnavailable},
		{"Internal", gcerrors.Internal, backendErr, ErrUnavailable},
		{"InvalidArgument", gcerrors.InvalidArgument, backendErr, nil},
		{"Unknown", gcerrors.Unknown, backendErr, nil},
		{"context deadline", gcerrors.Unknown, fmt.Errorf("read: %w", context.DeadlineExceeded), ErrTimeout},
		{"net timeout", gcerrors.Unknown, &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, ErrTimeout},
		{"connection refused", gcerrors.Unknown, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, ErrUnavailable},
		{"connection reset", gcerrors.Unknown, fmt.Errorf("read: %w", syscall.ECONNRESET), ErrUnavailable},
		{"other net error", gcerrors.Unknown, temporaryNetError{}, ErrUnavailable},
		{"truncated", gcerrors.Unknown, io.ErrUnexpectedEOF, ErrUnavailable},
		// A local bucket: "a.jpg/b" where a.jpg is a file, and a file it may
		// not read. A bare system error is not a network failure.
		{"not a directory", gcerrors.Unknown, &fs.PathError{Op: "open", Path: "a.jpg/b", Err: syscall.ENOTDIR}, ErrNotFound},
		{"local permission", gcerrors.Unknown, &fs.PathError{Op: "open", Path: "a.jpg", Err: syscall.EACCES}, ErrPermission},
	}
	all := []error{ErrNotFound, ErrPermission, ErrTimeout, ErrUnavailable, ErrInvalidKey}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, src := newSpy(t)
			d.readErr = tt.err
			d.code = tt.code
			_, err := src.Open(context.Background(), "a.png")
			if err == nil {
				t.Fatal("Open succeeded, want an error")
			}
			for _, s := range all {
				if got := errors.Is(err, s); got != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, got, !got)
				}
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("Open = %v; the backend's error %v is not in the chain", err, tt.err)
			}
			if !strings.HasPrefix(err.Error(), `source: open "a.png": `) {
				t.Errorf("Open = %q, want the prefix %q", err, `source: open "a.png": `)
			}
		})
	}
}

func TestBucketSpyContext(t *testing.T) {
	d, src := newSpy(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := src.Open(ctx, "a.png")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnavailable) {
		t.Errorf("Open = %v, want context.Canceled alone", err)
	}
	if n := d.callCount(); n != 0 {
		t.Errorf("a cancelled Open made %d driver calls, want 0", n)
	}
}

func TestOpenBucket(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.gif"), []byte("GIF89a"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := OpenBucket(ctx, "file://"+filepath.ToSlash(dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := src.Open(ctx, "a.gif")
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()
	if obj.Size != 6 {
		t.Errorf("Size = %d, want 6", obj.Size)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	// The bucket opened by OpenBucket is owned and closed by Close.
	if _, err := src.Open(ctx, "a.gif"); err == nil {
		t.Error("Open after Close succeeded")
	}

	mem, err := OpenBucket(ctx, "mem://", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Open(ctx, "a.gif"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open on an empty mem:// bucket = %v, want ErrNotFound", err)
	}
	mem.Close()
}

func TestNewBucketDoesNotClose(t *testing.T) {
	bb := memblob.OpenBucket(nil)
	defer bb.Close()
	writeBlob(t, bb, "a.png", "a", nil)
	src := NewBucket(bb, nil)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	obj, err := src.Open(context.Background(), "a.png")
	if err != nil {
		t.Fatalf("Open after Close of a NewBucket source = %v; the caller's bucket must stay open", err)
	}
	obj.Body.Close()
}

func TestBucketZeroValue(t *testing.T) {
	for _, src := range []*Bucket{nil, {}, NewBucket(nil, nil)} {
		if _, err := src.Open(context.Background(), "a.png"); err == nil {
			t.Errorf("Open on %#v succeeded, want an error", src)
		}
		if err := src.Close(); err != nil {
			t.Errorf("Close on %#v = %v, want nil", src, err)
		}
	}
}
