package source_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"github.com/rendition-go/rendition/source"
)

// localSources returns an FS over os.DirFS and a fileblob Bucket, both
// serving dir.
func localSources(t *testing.T, dir string) map[string]source.Source {
	t.Helper()
	b, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return map[string]source.Source{
		"FS":       source.NewFS(os.DirFS(dir)),
		"fileblob": source.NewBucket(b, nil),
	}
}

// wantNotFound checks that src answers key with ErrNotFound and no object.
func wantNotFound(t *testing.T, src source.Source, key string) {
	t.Helper()
	obj, err := src.Open(context.Background(), key)
	if obj != nil {
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		t.Errorf("Open(%q) served %q, want ErrNotFound", key, b)
		return
	}
	if !errors.Is(err, source.ErrNotFound) {
		t.Errorf("Open(%q) = %v, want ErrNotFound", key, err)
	}
}

// wantServed checks that src serves want under key.
func wantServed(t *testing.T, src source.Source, key, want string) {
	t.Helper()
	obj, err := src.Open(context.Background(), key)
	if err != nil {
		t.Errorf("Open(%q) = %v, want it served", key, err)
		return
	}
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(b) != want {
		t.Errorf("Open(%q) = %q, want %q", key, b, want)
	}
}

// A symbolic link inside a local root that leads out of it serves nothing;
// one that stays inside is followed.
func TestLocalSymlinkEscape(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	outside := filepath.Join(dir, "outside")
	for _, d := range []string{root, filepath.Join(root, "sub"), outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, data string) {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret"), "secret")
	write(filepath.Join(root, "real.jpg"), "real")
	links := map[string]string{
		filepath.Join(root, "passwd.jpg"):        filepath.Join(outside, "secret"),
		filepath.Join(root, "sub", "rel.jpg"):    filepath.Join("..", "..", "outside", "secret"),
		filepath.Join(root, "dirlink"):           outside,
		filepath.Join(root, "inside.jpg"):        "real.jpg",
		filepath.Join(root, "sub", "up.jpg"):     filepath.Join("..", "real.jpg"),
		filepath.Join(root, "sub", "rootlink"):   root,
		filepath.Join(root, "sub", "chain.jpg"):  filepath.Join("..", "passwd.jpg"),
		filepath.Join(root, "sub", "outdir.jpg"): filepath.Join("..", "dirlink", "secret"),
	}
	for name, target := range links {
		if err := os.Symlink(target, name); err != nil {
			t.Skipf("cannot make symbolic links: %v", err)
		}
	}
	for name, src := range localSources(t, root) {
		t.Run(name, func(t *testing.T) {
			for _, key := range []string{"passwd.jpg", "sub/rel.jpg", "dirlink/secret", "sub/chain.jpg", "sub/outdir.jpg"} {
				wantNotFound(t, src, key)
			}
			for _, key := range []string{"real.jpg", "inside.jpg", "sub/up.jpg", "sub/rootlink/real.jpg"} {
				wantServed(t, src, key, "real")
			}
		})
	}
}

// Keys with a hidden segment at any level are not found, unless a Bucket
// allows them.
func TestHiddenKeys(t *testing.T) {
	keys := []string{".env", ".git/config", "a/.hidden/b.jpg", "a/.b.jpg", "..."}
	objects := map[string]string{"ok.jpg": "ok"}
	for _, k := range keys {
		objects[k] = "hidden " + k
	}
	dir := t.TempDir()
	mfs := fstest.MapFS{}
	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	for k, v := range objects {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
		mfs[k] = &fstest.MapFile{Data: []byte(v)}
		if err := mem.WriteAll(context.Background(), k, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
	}
	srcs := localSources(t, dir)
	srcs["MapFS"] = source.NewFS(mfs)
	srcs["memblob"] = source.NewBucket(mem, nil)
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			for _, key := range keys {
				wantNotFound(t, src, key)
				if err := source.CheckKey(src, key); !errors.Is(err, source.ErrNotFound) {
					t.Errorf("CheckKey(%q) = %v, want ErrNotFound", key, err)
				}
			}
			wantServed(t, src, "ok.jpg", "ok")
		})
	}
	t.Run("AllowDotfiles", func(t *testing.T) {
		src := source.NewBucket(mem, &source.BucketOptions{AllowDotfiles: true})
		for _, key := range keys {
			wantServed(t, src, key, objects[key])
		}
	})
}

// fileblob keeps its metadata in files ending in ".attrs": such a key is
// not found on a local bucket, where it used to fail as an unknown error,
// and is served from other buckets.
func TestFileblobAttrsKey(t *testing.T) {
	dir := t.TempDir()
	b, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if err := b.WriteAll(ctx, "a.jpg", []byte("a"), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.attrs"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := source.NewBucket(b, nil)
	for _, key := range []string{"a.jpg.attrs", "x.attrs", "missing.attrs"} {
		wantNotFound(t, src, key)
	}
	wantServed(t, src, "a.jpg", "a")

	mem := memblob.OpenBucket(nil)
	defer mem.Close()
	if err := mem.WriteAll(ctx, "x.attrs", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	wantServed(t, source.NewBucket(mem, nil), "x.attrs", "x")
}
