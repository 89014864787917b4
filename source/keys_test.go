package source

import (
	"errors"
	"testing"
	"testing/fstest"
)

func TestCheckKey(t *testing.T) {
	proxy, err := NewWebProxy(&WebProxyOptions{AllowHosts: []string{"images.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	fsys := NewFS(fstest.MapFS{})
	tests := []struct {
		src  Source
		key  string
		want error
	}{
		{fsys, "a/b.jpg", nil},
		{fsys, "../b.jpg", ErrInvalidKey},
		{fsys, "https://images.example.com/a.jpg", ErrInvalidKey},
		{proxy, "https://images.example.com/a.jpg", nil},
		{proxy, "https:/images.example.com/a.jpg", nil},
		{proxy, "https://other.example.com/a.jpg", ErrNotFound},
		{proxy, "http://127.0.0.1/a.jpg", ErrForbiddenAddress},
		{proxy, "a/b.jpg", ErrInvalidKey},
		{Chain{fsys, proxy}, "a/b.jpg", nil},
		{Chain{fsys, proxy}, "https://images.example.com/a.jpg", nil},
		{Chain{fsys, proxy}, "http://127.0.0.1/a.jpg", ErrForbiddenAddress},
	}
	for _, tt := range tests {
		err := CheckKey(tt.src, tt.key)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("CheckKey(%T, %q) = %v, want %v", tt.src, tt.key, err, tt.want)
		}
	}
	if !RequiresSigning(proxy) || !RequiresSigning(Chain{fsys, proxy}) || RequiresSigning(fsys) || RequiresSigning(Chain{fsys}) {
		t.Error("RequiresSigning")
	}
}
