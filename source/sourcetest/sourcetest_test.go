package sourcetest_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rendition-go/rendition/source"
	"github.com/rendition-go/rendition/source/sourcetest"
)

// revalidator serves an fstest.MapFS and revalidates with an ETag made by
// etag and an OpenIfChanged made by ifChanged.
type revalidator struct {
	src       *source.FS
	etag      func(data string) string
	ifChanged func(r *revalidator, ctx context.Context, key, etag string) (*source.Object, error)
	fsys      fstest.MapFS
}

func (r *revalidator) Open(ctx context.Context, key string) (*source.Object, error) {
	obj, err := r.src.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	obj.ETag = r.etag(string(r.fsys[key].Data))
	return obj, nil
}

func (r *revalidator) OpenIfChanged(ctx context.Context, key, etag string, modTime time.Time) (*source.Object, error) {
	return r.ifChanged(r, ctx, key, etag)
}

// honest answers 304 when etag is the current one.
func honest(r *revalidator, ctx context.Context, key, etag string) (*source.Object, error) {
	obj, err := r.Open(ctx, key)
	if err == nil && etag != "" && etag == obj.ETag {
		obj.Body.Close()
		return nil, &source.NotModifiedError{}
	}
	return obj, err
}

// cheats are sources that break the contract the suite checks.
var cheats = map[string]func(fsys fstest.MapFS) source.Source{
	// An ETag that stays the same when the content changes, so that a
	// copy is never refreshed.
	"ConstantETag": func(fsys fstest.MapFS) source.Source {
		return &revalidator{src: source.NewFS(fsys), fsys: fsys,
			etag:      func(string) string { return `"same"` },
			ifChanged: honest}
	},
	// OpenIfChanged without validators serves an empty body.
	"EmptyUnconditional": func(fsys fstest.MapFS) source.Source {
		return &revalidator{src: source.NewFS(fsys), fsys: fsys,
			etag: func(data string) string { return `"` + strings.Map(hexish, data) + `"` },
			ifChanged: func(r *revalidator, ctx context.Context, key, etag string) (*source.Object, error) {
				if etag == "" {
					return &source.Object{Body: io.NopCloser(strings.NewReader("")), Size: -1}, nil
				}
				return honest(r, ctx, key, etag)
			}}
	},
}

// hexish keeps an ETag made of content within the characters an entity
// tag allows.
func hexish(r rune) rune {
	if r > ' ' && r < 0x7f && r != '"' {
		return r
	}
	return 'x'
}

// TestCheat runs the suite on the cheat named by RENDITION_SOURCETEST_CHEAT;
// TestCheatsFail runs it in a child process and wants it to fail.
func TestCheat(t *testing.T) {
	name := os.Getenv("RENDITION_SOURCETEST_CHEAT")
	if name == "" {
		t.Skip("run by TestCheatsFail")
	}
	sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
		fsys := fstest.MapFS{}
		for k, v := range objects {
			fsys[k] = &fstest.MapFile{Data: v}
		}
		return cheats[name](fsys)
	}, nil)
}

func TestCheatsFail(t *testing.T) {
	if os.Getenv("RENDITION_SOURCETEST_CHEAT") != "" {
		t.Skip("in the child process")
	}
	for name := range cheats {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCheat$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "RENDITION_SOURCETEST_CHEAT="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Errorf("the suite passed a source that breaks the contract:\n%s", out)
			}
		})
	}
}

// The honest revalidator passes, so that a cheat fails for its cheating.
func TestHonestPasses(t *testing.T) {
	if os.Getenv("RENDITION_SOURCETEST_CHEAT") != "" {
		t.Skip("in the child process")
	}
	sourcetest.Run(t, func(t *testing.T, objects map[string][]byte) source.Source {
		fsys := fstest.MapFS{}
		for k, v := range objects {
			fsys[k] = &fstest.MapFile{Data: v}
		}
		return &revalidator{src: source.NewFS(fsys), fsys: fsys,
			etag:      func(data string) string { return `"` + strings.Map(hexish, data) + `"` },
			ifChanged: honest}
	}, nil)
}
