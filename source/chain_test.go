package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rendition-go/rendition/source"
)

// chainOrigin is a Source for chain tests that records the keys it is asked
// for and answers with err, or with an object holding its name.
type chainOrigin struct {
	name  string
	err   error
	asked []string
}

func (o *chainOrigin) Open(ctx context.Context, key string) (*source.Object, error) {
	o.asked = append(o.asked, key)
	if o.err != nil {
		return nil, fmt.Errorf("source: open %q at %s: %w", key, o.name, o.err)
	}
	return &source.Object{Body: io.NopCloser(strings.NewReader(o.name)), Size: int64(len(o.name))}, nil
}

func TestChain(t *testing.T) {
	errOther := errors.New("some backend failure")
	tests := []struct {
		name      string
		errs      []error // of each origin; nil serves the object
		wantFrom  string  // origin that serves the key, "" if none
		wantErr   error
		wantAsked int // how many origins are asked
	}{
		{"first has it", []error{nil, nil}, "o0", nil, 1},
		{"fallback on not found", []error{source.ErrNotFound, nil}, "o1", nil, 2},
		{"fallback twice", []error{source.ErrNotFound, source.ErrNotFound, nil}, "o2", nil, 3},
		{"all miss", []error{source.ErrNotFound, source.ErrNotFound}, "", source.ErrNotFound, 2},
		{"permission is not masked", []error{source.ErrPermission, nil}, "", source.ErrPermission, 1},
		{"timeout is not masked", []error{source.ErrNotFound, source.ErrTimeout, nil}, "", source.ErrTimeout, 2},
		{"unavailable is not masked", []error{source.ErrUnavailable, nil}, "", source.ErrUnavailable, 1},
		{"invalid key is not masked", []error{source.ErrInvalidKey, nil}, "", source.ErrInvalidKey, 1},
		{"unknown error is not masked", []error{errOther, nil}, "", errOther, 1},
		{"cancelled is not masked", []error{context.Canceled, nil}, "", context.Canceled, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c source.Chain
			var origins []*chainOrigin
			for i, err := range tt.errs {
				o := &chainOrigin{name: fmt.Sprintf("o%d", i), err: err}
				origins = append(origins, o)
				c = append(c, o)
			}
			obj, err := c.Open(context.Background(), "a.jpg")
			if tt.wantErr != nil {
				if obj != nil {
					t.Errorf("Open returned an object with error %v", err)
				}
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Open: %v, want an error wrapping %v", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				b, _ := io.ReadAll(obj.Body)
				obj.Body.Close()
				if string(b) != tt.wantFrom {
					t.Errorf("served by %s, want %s", b, tt.wantFrom)
				}
			}
			for i, o := range origins {
				wantAsked := 0
				if i < tt.wantAsked {
					wantAsked = 1
				}
				if len(o.asked) != wantAsked {
					t.Errorf("origin %d asked %d times, want %d", i, len(o.asked), wantAsked)
				}
				for _, k := range o.asked {
					if k != "a.jpg" {
						t.Errorf("origin %d asked for %q, want %q", i, k, "a.jpg")
					}
				}
			}
		})
	}
}

// When all origins miss, the error is the last one's.
func TestChainLastNotFound(t *testing.T) {
	c := source.Chain{
		&chainOrigin{name: "first", err: source.ErrNotFound},
		&chainOrigin{name: "second", err: source.ErrNotFound},
	}
	_, err := c.Open(context.Background(), "a.jpg")
	if !errors.Is(err, source.ErrNotFound) || !strings.Contains(err.Error(), "second") {
		t.Errorf("Open: %v, want the second origin's not found error", err)
	}
}

func TestChainEmpty(t *testing.T) {
	for _, c := range []source.Chain{nil, {}} {
		obj, err := c.Open(context.Background(), "a.jpg")
		if obj != nil || !errors.Is(err, source.ErrNotFound) {
			t.Errorf("empty chain: Open = %v, %v, want an error wrapping ErrNotFound", obj, err)
		}
	}
}

func TestChainNilSource(t *testing.T) {
	c := source.Chain{&chainOrigin{name: "o0", err: source.ErrNotFound}, nil}
	obj, err := c.Open(context.Background(), "a.jpg")
	if obj != nil || err == nil || errors.Is(err, source.ErrNotFound) {
		t.Errorf("Open = %v, %v, want an error that is not ErrNotFound", obj, err)
	}
}

// A context cancelled while a source misses stops the chain.
func TestChainCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	second := &chainOrigin{name: "o1"}
	c := source.Chain{
		source.Func(func(context.Context, string) (*source.Object, error) {
			cancel()
			return nil, source.ErrNotFound
		}),
		second,
	}
	_, err := c.Open(ctx, "a.jpg")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Open: %v, want context.Canceled", err)
	}
	if len(second.asked) != 0 {
		t.Errorf("the second origin was asked after the context was cancelled")
	}
}

// A Chain asks its second origin for a key the first does not have.
func ExampleChain() {
	empty := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		return nil, fmt.Errorf("nothing here: %w", source.ErrNotFound)
	})
	fallback := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		return &source.Object{Body: io.NopCloser(strings.NewReader("from the fallback")), Size: -1}, nil
	})
	c := source.Chain{empty, fallback}
	obj, err := c.Open(context.Background(), "dog.jpg")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer obj.Body.Close()
	b, _ := io.ReadAll(obj.Body)
	fmt.Println(string(b))
	// Output: from the fallback
}

// urlSource serves only absolute URLs, as a web proxy does.
type urlSource struct{}

func (urlSource) CheckKey(key string) error {
	if !strings.HasPrefix(key, "http://") {
		return fmt.Errorf("%w: not an absolute URL", source.ErrInvalidKey)
	}
	return nil
}

func (urlSource) Open(ctx context.Context, key string) (*source.Object, error) {
	return &source.Object{Body: io.NopCloser(strings.NewReader("from " + key))}, nil
}

// TestChainSkipsSourcesThatRefuseTheKey: a chain of a folder and a web proxy
// sends each key to the source that takes that kind of key, whichever comes
// first; a key every source refuses gets the first refusal.
func TestChainSkipsSourcesThatRefuseTheKey(t *testing.T) {
	folder := source.Func(func(ctx context.Context, key string) (*source.Object, error) {
		return &source.Object{Body: io.NopCloser(strings.NewReader("folder " + key))}, nil
	})
	for _, c := range []source.Chain{{folder, urlSource{}}, {urlSource{}, folder}} {
		for key, want := range map[string]string{"http://example.com/a.jpg": "from http://example.com/a.jpg", "a/b.jpg": "folder a/b.jpg"} {
			obj, err := c.Open(context.Background(), key)
			if err != nil {
				t.Fatalf("Open(%q): %v", key, err)
			}
			body, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			if string(body) != want {
				t.Errorf("Open(%q) = %q, want %q", key, body, want)
			}
		}
	}
	only := source.Chain{urlSource{}}
	if _, err := only.Open(context.Background(), "a/b.jpg"); !errors.Is(err, source.ErrInvalidKey) {
		t.Errorf("a key every source refuses: %v, want ErrInvalidKey", err)
	}
}

// A Chain revalidates with the member that has the key: a WebFolder behind
// a member that misses still answers ErrNotModified, and a member that
// cannot revalidate is simply opened.
func TestChainRevalidates(t *testing.T) {
	const etag = `"v1"`
	var sawINM []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawINM = append(sawINM, r.Header.Get("If-None-Match"))
		if r.Header.Get("If-None-Match") == etag {
			w.Header().Set("Cache-Control", "max-age=60")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		io.WriteString(w, "image")
	}))
	defer srv.Close()
	wf, err := source.NewWebFolder(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wf.CloseIdleConnections()

	var src source.Source = source.Chain{&chainOrigin{name: "miss", err: source.ErrNotFound}, wf}
	r, ok := src.(source.Revalidator)
	if !ok {
		t.Fatal("Chain is not a Revalidator")
	}
	obj, err := r.OpenIfChanged(context.Background(), "a.jpg", etag, time.Time{})
	var nm *source.NotModifiedError
	if obj != nil || !errors.As(err, &nm) || !errors.Is(err, source.ErrNotModified) {
		t.Fatalf("OpenIfChanged with the current ETag = %v, %v; want a *NotModifiedError", obj, err)
	}
	if nm.CacheControl != "max-age=60" {
		t.Errorf("CacheControl = %q, want the 304's", nm.CacheControl)
	}
	obj, err = r.OpenIfChanged(context.Background(), "a.jpg", `"old"`, time.Time{})
	if err != nil {
		t.Fatalf("OpenIfChanged with an old ETag: %v", err)
	}
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(b) != "image" || obj.ETag != etag {
		t.Errorf("changed object = %q with ETag %q, want %q with %q", b, obj.ETag, "image", etag)
	}
	if want := []string{etag, `"old"`}; !slices.Equal(sawINM, want) {
		t.Errorf("origin saw If-None-Match %q, want %q", sawINM, want)
	}

	plain := &chainOrigin{name: "plain"}
	obj, err = source.Chain{plain}.OpenIfChanged(context.Background(), "a.jpg", etag, time.Time{})
	if err != nil {
		t.Fatalf("OpenIfChanged on a member that cannot revalidate: %v", err)
	}
	b, _ = io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(b) != "plain" {
		t.Errorf("served %q, want the member opened", b)
	}
}
