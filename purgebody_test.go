package rendition

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rendition-go/rendition/source"
)

// TestPurgeImageKitPath purges through the URL of an ImageKit derivative:
// it names the original, as the same URL does for a request.
func TestPurgeImageKitPath(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	ph := h.PurgeHandler("/img")
	for _, u := range []string{"/tr:w-10/photo.jpg", "/photo.jpg?w=20"} {
		get(t, h, u)
		if r := get(t, h, u); r.Header().Get("X-Cache") != "HIT" {
			t.Fatalf("%s: %s, want HIT", u, r.Header().Get("X-Cache"))
		}
	}
	rec := httptest.NewRecorder()
	body := `{"data": {"type": "purges", "attributes": {"url": "https://images.example.com/img/tr:w-10/photo.jpg"}}}`
	ph.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/purge", strings.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Fatalf("purge: %d %s", rec.Code, rec.Body)
	}
	for _, u := range []string{"/tr:w-10/photo.jpg", "/photo.jpg?w=20"} {
		if r := get(t, h, u); r.Header().Get("X-Cache") != "MISS" {
			t.Errorf("%s after the purge: %s, want MISS", u, r.Header().Get("X-Cache"))
		}
	}
}

// TestPurgeBodyStrict checks that member names are matched exactly and that
// unknown or repeated members are refused, 400 EINVAL naming them.
func TestPurgeBodyStrict(t *testing.T) {
	h := newHandler(t, source.NewFS(testFS(t)), nil)
	ph := h.PurgeHandler("")
	post := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		ph.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/purge", strings.NewReader(body)))
		return rec
	}
	const good = `{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg"}}}`
	if r := post(good); r.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", good, r.Code, r.Body)
	}
	// imgix's optional attributes are accepted.
	const imgix = `{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg", "source_id": "5f3c", "sub_image": true}}}`
	if r := post(imgix); r.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", imgix, r.Code, r.Body)
	}
	for _, tt := range []struct{ body, want string }{
		{`{"data": {"type": "purges", "attributes": {"URL": "https://x/photo.jpg"}}}`, `"data.attributes.URL" is unknown`},
		{`{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg", "URL": "https://x/other.jpg"}}}`, `"data.attributes.URL" is unknown`},
		{`{"data": {"type": "purges", "attributes": {"url": "https://x/a.jpg", "url": "https://x/photo.jpg"}}}`, `"data.attributes.url" is given more than once`},
		{`{"data": {"type": "purges", "type": "purges", "attributes": {"url": "https://x/photo.jpg"}}}`, `"data.type" is given more than once`},
		{`{"Data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg"}}}`, `"Data" is unknown`},
		{`{"data": {"Type": "purges", "attributes": {"url": "https://x/photo.jpg"}}}`, `"data.Type" is unknown`},
		{`{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg"}}, "meta": {}}`, `"meta" is unknown`},
		{`{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg", "sub_image": "yes"}}}`, `"data.attributes.sub_image" must be true or false`},
		{`{"data": {"type": "purges", "attributes": {"url": 7}}}`, `"data.attributes.url" must be a string`},
		{`{"data": {"type": "purges", "attributes": []}}`, `"data.attributes" must be a JSON object`},
		{`[]`, `the body must be a JSON object`},
		{good + ` {}`, `the body must be`},
		{`{"data": {"type": "purges", "attributes": {"url": "https://x/photo.jpg"}}`, `the body must be`},
	} {
		r := post(tt.body)
		if r.Code != http.StatusBadRequest || r.Header().Get("X-Rendition-Error") != CodeInvalid ||
			!strings.Contains(r.Body.String(), tt.want) {
			t.Errorf("%s: %d %q %q, want 400 %s naming %s", tt.body, r.Code, r.Header().Get("X-Rendition-Error"), r.Body, CodeInvalid, tt.want)
		}
	}
}
