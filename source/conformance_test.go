package source_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/source/sourcetest"
)

// objectServer serves the objects it holds over HTTP, with an ETag derived
// from each object's content so that conditional requests work. set
// replaces what it holds.
type objectServer struct {
	objects atomic.Pointer[map[string][]byte]
	srv     *httptest.Server
}

func newObjectServer(t *testing.T) *objectServer {
	s := &objectServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := (*s.objects.Load())[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := fnv.New64a()
		h.Write(data)
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, h.Sum64()))
		w.Header().Set("Content-Type", "image/jpeg")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *objectServer) set(objects map[string][]byte) { s.objects.Store(&objects) }

// writeFiles writes objects as files below dir.
func writeFiles(t *testing.T, dir string, objects map[string][]byte) {
	t.Helper()
	for name, data := range objects {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fillBucket writes objects to b.
func fillBucket(t *testing.T, b *blob.Bucket, objects map[string][]byte) {
	t.Helper()
	for name, data := range objects {
		if err := b.WriteAll(context.Background(), name, data, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConformanceFS(t *testing.T) {
	t.Run("MapFS", func(t *testing.T) {
		sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
			fsys := fstest.MapFS{}
			for name, data := range objects {
				fsys[name] = &fstest.MapFile{Data: data}
			}
			return source.NewFS(fsys)
		}, nil)
	})
	t.Run("DirFS", func(t *testing.T) {
		sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
			dir := t.TempDir()
			writeFiles(t, dir, objects)
			return source.NewFS(os.DirFS(dir))
		}, nil)
	})
}

func TestConformanceBucket(t *testing.T) {
	t.Run("memblob", func(t *testing.T) {
		sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
			b := memblob.OpenBucket(nil)
			t.Cleanup(func() { b.Close() })
			fillBucket(t, b, objects)
			return source.NewBucket(b, nil)
		}, nil)
	})
	t.Run("fileblob", func(t *testing.T) {
		sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
			dir := t.TempDir()
			writeFiles(t, dir, objects)
			b, err := fileblob.OpenBucket(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return source.NewBucket(b, nil)
		}, nil)
	})
}

// webFolderOf returns a WebFolder over a new server of objects.
func webFolderOf(t *testing.T, objects map[string][]byte) *source.WebFolder {
	s := newObjectServer(t)
	s.set(objects)
	wf, err := source.NewWebFolder(s.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wf.CloseIdleConnections)
	return wf
}

func TestConformanceWebFolder(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
		return webFolderOf(t, objects)
	}, nil)
}

func TestConformanceWebProxy(t *testing.T) {
	// One server for the whole suite, since the keys are its URLs: each
	// new source makes it serve the objects it is given.
	s := newObjectServer(t)
	sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
		s.set(objects)
		p, err := source.NewWebProxy(&source.WebProxyOptions{AllowPrivate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.CloseIdleConnections)
		return p
	}, &sourcetest.Options{
		Key: func(name string) string { return s.srv.URL + "/" + name },
		InvalidKeys: []string{
			"", "a.jpg", "mailto:a@example.com", "%zz", `http:\\example.com\a.jpg`,
			"http://example.com/a\x00.jpg", "http://example.com/" + strings.Repeat("a", source.MaxURLLen),
		},
	})
}

// A Chain revalidates through its members: the second one here.
func TestConformanceChain(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
		empty := memblob.OpenBucket(nil)
		t.Cleanup(func() { empty.Close() })
		return source.Chain{source.NewBucket(empty, nil), webFolderOf(t, objects)}
	}, nil)
}
