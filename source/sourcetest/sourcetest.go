// Package sourcetest is a conformance suite for implementations of
// [source.Source].
//
// A source runs the suite from its own tests:
//
//	func TestConformance(t *testing.T) {
//		sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
//			dir := t.TempDir()
//			for name, data := range objects {
//				// write data to dir/name
//			}
//			return mysource.New(dir)
//		}, nil)
//	}
//
// Run it with -race: one of the checks opens objects from many goroutines
// at once.
package sourcetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rendition-go/rendition/source"
)

// Options configure [Run]. The zero value suits a source whose keys are
// paths, checked by [source.CheckPathKey].
type Options struct {
	// Key returns the key under which the source serves the object named
	// name in the map given to newSource. Nil means name itself. A
	// [source.WebProxy], whose keys are URLs, maps a name to the URL of the
	// test server that holds it.
	Key func(name string) string

	// InvalidKeys are keys the source must refuse with
	// [source.ErrInvalidKey] without contacting its backend. Nil means
	// keys that no path rule may accept: empty, "..", absolute, with NUL,
	// a backslash, an empty segment, or longer than [source.MaxKeyLen].
	InvalidKeys []string
}

// objects is what every source of the suite holds: names with slashes,
// spaces and non-ASCII characters, and an empty object.
var objects = map[string][]byte{
	"a.jpg":                []byte("\xff\xd8\xff\xe0 first object"),
	"dir/b.png":            []byte("\x89PNG\r\n\x1a\n second object"),
	"dir/sub/c.gif":        []byte("GIF89a third object"),
	"space name.webp":      []byte("RIFF fourth object"),
	"caf\u00e9/\u00f1.png": []byte("\x89PNG\r\n\x1a\n fifth object"),
	"empty.jpg":            {},
}

// Run checks that the sources made by newSource behave as the
// [source.Source] contract requires, each check in its own subtest. opts
// may be nil for the defaults.
//
// newSource is called at least once per subtest and must return a source
// that serves exactly objects, registering any cleanup with t.Cleanup.
// Sources that implement [source.Revalidator] and report an ETag must change
// it with the content; one that reports none skips the check of a changed
// object.
//
// The suite checks that:
//   - Open of each object returns its bytes; Size is its length or -1;
//     ContentType is "" or a valid media type; ETag is "" or a quoted
//     entity tag and is the same on a second Open; ModTime is zero or not
//     in the future; the body closes without error, also half read;
//   - a missing key, and one below an existing object ("a.jpg/x"), is
//     [source.ErrNotFound];
//   - invalid keys are refused with [source.ErrInvalidKey] by Open and by
//     [source.CheckKey], and the existing keys are accepted by CheckKey;
//   - Open with a cancelled context returns no object and an error
//     wrapping [context.Canceled];
//   - concurrent opens of all objects each return the right bytes;
//   - a [source.Revalidator] answers [source.ErrNotModified] (and no object)
//     to the validators of the current object, the object to no
//     validators, and the new object, with a new ETag, to the validators
//     of an object that has since changed.
func Run(t *testing.T, newSource func(t *testing.T, objects map[string][]byte) source.Source, opts *Options) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	s := &suite{newSource: newSource, key: opts.Key, invalid: opts.InvalidKeys}
	if s.key == nil {
		s.key = func(name string) string { return name }
	}
	if s.invalid == nil {
		s.invalid = []string{
			"", "..", "../a.jpg", "a/../a.jpg", "./a.jpg", "/a.jpg", "a.jpg/",
			"dir//b.png", `dir\b.png`, "a\x00.jpg", "a.jpg\x00",
			strings.Repeat("a", source.MaxKeyLen+1),
		}
	}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Open", s.testOpen},
		{"NotFound", s.testNotFound},
		{"InvalidKeys", s.testInvalidKeys},
		{"CancelledContext", s.testCancelled},
		{"Concurrent", s.testConcurrent},
		{"Revalidate", s.testRevalidate},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	newSource func(t *testing.T, objects map[string][]byte) source.Source
	key       func(name string) string
	invalid   []string
}

// names returns the names of objects in order.
func names() []string {
	return slices.Sorted(maps.Keys(objects))
}

// entityTag matches an entity tag with its quotes (RFC 9110, section 8.8.3).
var entityTag = regexp.MustCompile(`^(W/)?"[\x21\x23-\x7e\x80-\xff]*"$`)

// read opens key, checks the Object's metadata and returns it with the
// bytes of its body.
func read(t *testing.T, src source.Source, key string) (*source.Object, []byte) {
	t.Helper()
	obj, err := src.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	if obj == nil || obj.Body == nil {
		t.Fatalf("Open(%q) returned no object or no body", key)
	}
	b, err := io.ReadAll(obj.Body)
	if cerr := obj.Body.Close(); cerr != nil {
		t.Errorf("Open(%q): closing the body: %v", key, cerr)
	}
	if err != nil {
		t.Fatalf("Open(%q): reading the body: %v", key, err)
	}
	if obj.Size != -1 && obj.Size != int64(len(b)) {
		t.Errorf("Open(%q): Size = %d for a body of %d bytes, want that or -1", key, obj.Size, len(b))
	}
	if obj.ContentType != "" {
		if _, _, err := mime.ParseMediaType(obj.ContentType); err != nil {
			t.Errorf("Open(%q): ContentType %q: %v", key, obj.ContentType, err)
		}
	}
	if obj.ETag != "" && !entityTag.MatchString(obj.ETag) {
		t.Errorf("Open(%q): ETag %q is not a quoted entity tag", key, obj.ETag)
	}
	if obj.ModTime.After(time.Now().Add(time.Minute)) {
		t.Errorf("Open(%q): ModTime %v is in the future", key, obj.ModTime)
	}
	return obj, b
}

func (s *suite) testOpen(t *testing.T) {
	src := s.newSource(t, objects)
	for _, name := range names() {
		key := s.key(name)
		obj, b := read(t, src, key)
		if !bytes.Equal(b, objects[name]) {
			t.Errorf("Open(%q) = %q, want %q", key, b, objects[name])
		}
		again, _ := read(t, src, key)
		if again.ETag != obj.ETag {
			t.Errorf("Open(%q): ETag %q, then %q for the same object", key, obj.ETag, again.ETag)
		}
	}

	// A body closed before it is read to the end.
	key := s.key("a.jpg")
	obj, err := src.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	if _, err := io.ReadFull(obj.Body, make([]byte, 2)); err != nil {
		t.Errorf("Open(%q): reading 2 bytes: %v", key, err)
	}
	if err := obj.Body.Close(); err != nil {
		t.Errorf("Open(%q): closing a half-read body: %v", key, err)
	}
}

func (s *suite) testNotFound(t *testing.T) {
	src := s.newSource(t, objects)
	for _, name := range []string{"missing.jpg", "dir/missing.png", "nodir/a.jpg", "a.jpg/x"} {
		key := s.key(name)
		obj, err := src.Open(context.Background(), key)
		if obj != nil {
			obj.Body.Close()
		}
		if obj != nil || !errors.Is(err, source.ErrNotFound) {
			t.Errorf("Open(%q) = %v, %v; want no object and ErrNotFound", key, obj, err)
		}
	}
}

func (s *suite) testInvalidKeys(t *testing.T) {
	src := s.newSource(t, objects)
	for _, key := range s.invalid {
		obj, err := src.Open(context.Background(), key)
		if obj != nil {
			obj.Body.Close()
		}
		if obj != nil || !errors.Is(err, source.ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, %v; want no object and ErrInvalidKey", key, obj, err)
		}
		if err := source.CheckKey(src, key); !errors.Is(err, source.ErrInvalidKey) {
			t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	for _, name := range names() {
		if err := source.CheckKey(src, s.key(name)); err != nil {
			t.Errorf("CheckKey(%q) = %v for an existing object", s.key(name), err)
		}
	}
}

func (s *suite) testCancelled(t *testing.T) {
	src := s.newSource(t, objects)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"a.jpg", "missing.jpg"} {
		key := s.key(name)
		obj, err := src.Open(ctx, key)
		if obj != nil {
			obj.Body.Close()
		}
		if obj != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("Open(%q) with a cancelled context = %v, %v; want context.Canceled", key, obj, err)
		}
	}
}

func (s *suite) testConcurrent(t *testing.T) {
	src := s.newSource(t, objects)
	const workers, rounds = 8, 4
	all := names()
	errs := make(chan error, workers*rounds*len(all))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds * len(all) {
				name := all[(w+i)%len(all)]
				key := s.key(name)
				obj, err := src.Open(context.Background(), key)
				if err != nil {
					errs <- fmt.Errorf("Open(%q): %w", key, err)
					continue
				}
				b, err := io.ReadAll(obj.Body)
				obj.Body.Close()
				if err != nil {
					errs <- fmt.Errorf("Open(%q): reading: %w", key, err)
				} else if !bytes.Equal(b, objects[name]) {
					errs <- fmt.Errorf("Open(%q) = %q, want %q", key, b, objects[name])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func (s *suite) testRevalidate(t *testing.T) {
	src := s.newSource(t, objects)
	r, ok := src.(source.Revalidator)
	if !ok {
		t.Skipf("%T is not a source.Revalidator", src)
	}
	key := s.key("a.jpg")
	old, _ := read(t, src, key)
	if old.ETag == "" && old.ModTime.IsZero() {
		t.Fatalf("Open(%q) of a Revalidator reported no ETag and no ModTime", key)
	}
	obj, err := r.OpenIfChanged(context.Background(), key, old.ETag, old.ModTime)
	if obj != nil {
		obj.Body.Close()
	}
	if obj != nil || !errors.Is(err, source.ErrNotModified) {
		t.Errorf("OpenIfChanged(%q) with the current validators = %v, %v; want ErrNotModified", key, obj, err)
	}

	// Without validators, OpenIfChanged is Open.
	obj, err = r.OpenIfChanged(context.Background(), key, "", time.Time{})
	if err != nil {
		t.Fatalf("OpenIfChanged(%q) without validators: %v", key, err)
	}
	b, err := io.ReadAll(obj.Body)
	obj.Body.Close()
	if err != nil || !bytes.Equal(b, objects["a.jpg"]) {
		t.Errorf("OpenIfChanged(%q) without validators = %q, %v; want %q", key, b, err, objects["a.jpg"])
	}

	changed := maps.Clone(objects)
	changed["a.jpg"] = []byte("\xff\xd8\xff\xe0 the object, changed")
	src = s.newSource(t, changed)
	r = src.(source.Revalidator)
	switch cur, _ := read(t, src, key); {
	case cur.ETag == "":
		t.Skipf("no ETag (%q before the change) to tell the changed object by", old.ETag)
	case cur.ETag == old.ETag:
		// A copy revalidated with it would never be refreshed.
		t.Fatalf("Open(%q): ETag %q for different content", key, cur.ETag)
	}
	obj, err = r.OpenIfChanged(context.Background(), key, old.ETag, old.ModTime)
	if err != nil {
		t.Fatalf("OpenIfChanged(%q) of a changed object: %v", key, err)
	}
	b, err = io.ReadAll(obj.Body)
	obj.Body.Close()
	if err != nil || !bytes.Equal(b, changed["a.jpg"]) {
		t.Errorf("OpenIfChanged(%q) of a changed object = %q, %v; want %q", key, b, err, changed["a.jpg"])
	}
}
