package source

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCheckPathKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"dog.jpg", true},
		{"photos/dog.jpg", true},
		{"a/b/c/d.png", true},
		{"with space.jpg", true},
		{"ünïcödé/日本.jpg", true},
		{"...", true},
		{"a/.../b", true},
		{"..a/b..", true},
		{".hidden", true},
		{"a/.b", true},
		{"q?x=1&y=2#frag", true},
		{"percent%2F..%2Fencoded", true},
		{"C:dog.jpg", true},
		{strings.Repeat("k", MaxKeyLen), true},

		{"", false},
		{strings.Repeat("k", MaxKeyLen+1), false},
		{"/dog.jpg", false},
		{"//host/dog.jpg", false},
		{"photos/", false},
		{"a//b", false},
		{".", false},
		{"..", false},
		{"../dog.jpg", false},
		{"a/../b", false},
		{"a/..", false},
		{"./a", false},
		{"a/./b", false},
		{`a\b`, false},
		{`..\dog.jpg`, false},
		{`\\host\share`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a\rb", false},
		{"a\tb", false},
		{"a\x7fb", false},
		{"a\u0085b", false}, // C1 control
		{"a\xffb", false},
		{"\xc0\xae\xc0\xae/x", false}, // overlong "..", invalid UTF-8
	}
	for _, tt := range tests {
		err := CheckPathKey(tt.key)
		if tt.ok {
			if err != nil {
				t.Errorf("CheckPathKey(%q) = %v, want nil", tt.key, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalidKey) {
			t.Errorf("CheckPathKey(%q) = %v, want an error wrapping ErrInvalidKey", tt.key, err)
		}
	}
}

func TestCheckPathKeyErrorNamesProblem(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"", "empty"},
		{"/a", "absolute"},
		{"a//b", "empty path segment"},
		{"a/../b", `".." path segment`},
		{`a\b`, "backslash"},
		{"a\x00b", "control character"},
		{"a\xffb", "UTF-8"},
		{strings.Repeat("k", MaxKeyLen+1), "longer than 1024 bytes"},
	}
	for _, tt := range tests {
		err := CheckPathKey(tt.key)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckPathKey(%q) = %v, want an error mentioning %q", tt.key, err, tt.want)
		}
	}
}

func TestFunc(t *testing.T) {
	var got string
	src := Func(func(ctx context.Context, key string) (*Object, error) {
		got = key
		return &Object{Body: io.NopCloser(strings.NewReader("x")), Size: 1}, nil
	})
	obj, err := src.Open(context.Background(), "a/b.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Body.Close()
	if got != "a/b.jpg" || obj.Size != 1 {
		t.Errorf("Func.Open: key %q, size %d; want %q, 1", got, obj.Size, "a/b.jpg")
	}
}

func FuzzCheckPathKey(f *testing.F) {
	for _, s := range []string{"a/b.jpg", "../x", "a//b", `a\b`, "a\x00", "日本/語.png", "./.", ".../..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if CheckPathKey(key) != nil {
			return
		}
		// An accepted key must be a clean relative path that stays below
		// the root under both slash and backslash conventions.
		if key == "" || key[0] == '/' || strings.ContainsAny(key, "\\\x00") {
			t.Fatalf("accepted %q", key)
		}
		for seg := range strings.SplitSeq(key, "/") {
			if seg == "" || seg == "." || seg == ".." {
				t.Fatalf("accepted %q with segment %q", key, seg)
			}
		}
	})
}
