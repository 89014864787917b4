package signing

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// now is the verification time used by tests that do not exercise expiry.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func mustImgix(t testing.TB, keys ...string) *Imgix {
	t.Helper()
	x, err := NewImgix(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func mustImageKit(t testing.TB, keys ...string) *ImageKit {
	t.Helper()
	k, err := NewImageKit(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustHMAC(t testing.TB, keys ...string) *HMAC {
	t.Helper()
	h, err := NewHMAC(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestImgixVectors checks the signatures of imgix's published test vectors,
// both ways.
func TestImgixVectors(t *testing.T) {
	x := mustImgix(t, "FOO123bar")
	tests := []struct {
		path, query, want string
	}{
		{"/users/1.png", "", "s=6797c24146142d5b40bde3141fd3600c"},
		{"/users/1.png", "w=400&h=300", "w=400&h=300&s=c7b86f666a832434dd38577e38cf86d1"},
		{"/users/1.png", "h=300&w=400", "h=300&w=400&s=1a4e48641614d1109c6a7af51be23d18"},
		{"/http%3A%2F%2Favatars.com%2Fjohn-smith.png", "", "s=493a52f008c91416351f8b33d4883135"},
		{"/http%3A%2F%2Favatars.com%2Fjohn-smith.png", "w=400&h=300", "w=400&h=300&s=61ea1cc7add87653bb0695fe25f2b534"},
	}
	for _, tt := range tests {
		if got := x.Sign(tt.path, tt.query); got != tt.want {
			t.Errorf("Sign(%q, %q) = %q, want %q", tt.path, tt.query, got, tt.want)
		}
		q, err := x.Verify(tt.path, tt.want, now)
		if err != nil || q != tt.query {
			t.Errorf("Verify(%q, %q) = %q, %v; want %q, nil", tt.path, tt.want, q, err, tt.query)
		}
	}
}

// TestImageKitVectors checks the signatures of ImageKit's SDK test vectors
// (endpoint https://ik.imagekit.io/demo/, so the handler receives the path
// after /demo).
func TestImageKitVectors(t *testing.T) {
	k := mustImageKit(t, "dummy-key")
	tests := []struct {
		path, query, want string
	}{
		{"/sdk-testing-files/future-search.png", "", "ik-s=32dbbbfc5f945c0403c71b54c38e76896ef2d6b0"},
		{"/sdk-testing-files/future-search.png", "version=1.0&cache=false", "version=1.0&cache=false&ik-s=f2e5a1b8b6a0b03fd63789dfc6413a94acef9fd8"},
		{"/tr:w-300,h-200/sdk-testing-files/future-search.png", "version=2.0", "version=2.0&ik-s=dd1ee8f83d019bc59fd57a5fc4674a11eb8a3496"},
	}
	for _, tt := range tests {
		if got := k.Sign(tt.path, tt.query); got != tt.want {
			t.Errorf("Sign(%q, %q) = %q, want %q", tt.path, tt.query, got, tt.want)
		}
		q, err := k.Verify(tt.path, tt.want, now)
		if err != nil || q != tt.query {
			t.Errorf("Verify(%q, %q) = %q, %v; want %q, nil", tt.path, tt.want, q, err, tt.query)
		}
		// A handler mounted with StripPrefix("/demo/") sees no leading slash.
		if _, err := k.Verify(tt.path[1:], tt.want, now); err != nil {
			t.Errorf("Verify(%q, %q) without leading slash: %v", tt.path[1:], tt.want, err)
		}
	}
}

// TestHMACWorkedExample checks the worked example of the package
// documentation.
func TestHMACWorkedExample(t *testing.T) {
	h := mustHMAC(t, "example-key")
	const (
		path  = "/photos/dog.jpg"
		query = "w=300&h=200&fit=crop&expires=1893456000"
		want  = query + "&s=qokxnMdbaBDrtx3rAXHYQ0o6oofbDIBcYmLAaDIfvI4"
	)
	if got := h.Sign(path, query); got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	q, err := h.Verify(path, want, now)
	if err != nil || q != query {
		t.Fatalf("Verify = %q, %v; want %q, nil", q, err, query)
	}
	const (
		path2  = "/photos/my%20dog.jpg"
		query2 = "w=300&txt=Hello%20World"
		want2  = query2 + "&s=jp_TRZZ02K5-Eda9QDSl-QL51ZZ6Mo4Msvxgf9azMZE"
	)
	if got := h.Sign(path2, query2); got != want2 {
		t.Fatalf("Sign = %q, want %q", got, want2)
	}
}

// TestHMACCanonicalExamples checks the canonicalisation table of the package
// documentation, and that every received form signs like its canonical form.
func TestHMACCanonicalExamples(t *testing.T) {
	h := mustHMAC(t, "example-key")
	tests := []struct{ received, canonical string }{
		{"w=300&h=200&s=x", "h=200&w=300"},
		{"txt=Hello%20World&w=300", "txt=Hello+World&w=300"},
		{"txt=caf%c3%a9", "txt=caf%C3%A9"},
		{"mark=a/b.png?x", "mark=a%2Fb.png%3Fx"},
		{"auto=format&auto=compress", "auto=format&auto=compress"},
		{"auto=compress&auto=format", "auto=compress&auto=format"},
		{"flip&w=10", "flip=&w=10"},
		{"s=x", ""},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.received)
		if err != nil {
			t.Fatal(err)
		}
		delete(v, "s")
		if got := v.Encode(); got != tt.canonical {
			t.Errorf("canonical(%q) = %q, want %q", tt.received, got, tt.canonical)
		}
		got, want := sigOf(h.Sign("/a.jpg", tt.received)), sigOf(h.Sign("/a.jpg", tt.canonical))
		if got != want {
			t.Errorf("signature of %q = %s, of its canonical form %q = %s", tt.received, got, tt.canonical, want)
		}
	}
}

// sigOf returns the value of the last pair of a signed query.
func sigOf(q string) string {
	_, last := cutLast(q)
	_, v, _ := strings.Cut(last, "=")
	return v
}
