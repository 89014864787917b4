package compat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rendition-go/rendition/signing"
)

// The ImageKit private key the SDK signs with, and the version of the SDK
// that imagekit-node/package-lock.json pins.
const (
	imagekitKey        = "private_compat_test_key"
	imagekitSDKVersion = "6.0.0"
)

// nodeDir is the folder of the signing script and its node_modules.
const nodeDir = "imagekit-node"

// howToRunNode says how to run the ImageKit tests when they are skipped.
const howToRunNode = "ImageKit's Node.js SDK is not installed: run `npm ci` in compat/imagekit-node " +
	"(Node.js 12 or later), or `source .ci/clients.sh`, then go test ./compat/"

// imagekitNode returns the node command to run the signing script with. It
// skips the test when neither RENDITION_NODE is set nor node and the SDK
// are installed; with RENDITION_NODE set, a missing SDK fails the test.
func imagekitNode(t *testing.T) string {
	t.Helper()
	manifest := filepath.Join(nodeDir, "node_modules", "imagekit", "package.json")
	data, modErr := os.ReadFile(manifest)
	node := os.Getenv("RENDITION_NODE")
	if node == "" {
		path, err := exec.LookPath("node")
		if err != nil || modErr != nil {
			t.Skip(howToRunNode)
		}
		node = path
	} else if modErr != nil {
		t.Fatalf("RENDITION_NODE is set but the SDK is missing (%v): run `npm ci` in compat/imagekit-node", modErr)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("%s: %v", manifest, err)
	}
	if pkg.Version != imagekitSDKVersion {
		t.Fatalf("installed imagekit %s, want %s: run `npm ci` in compat/imagekit-node", pkg.Version, imagekitSDKVersion)
	}
	return node
}

// ikURL holds the options of the SDK's url() method that the tests use.
type ikURL struct {
	Path            string            `json:"path"`
	QueryParameters map[string]string `json:"queryParameters,omitempty"`
	ExpireSeconds   int               `json:"expireSeconds,omitempty"`
	// Transformation is the SDK's list of chained steps, written in the
	// URL as tr: in the path, or as ?tr= when TransformationPosition is
	// "query".
	Transformation         []map[string]string `json:"transformation,omitempty"`
	TransformationPosition string              `json:"transformationPosition,omitempty"`
}

// signImageKit has the SDK sign urls for the endpoint with key and returns
// the signed URLs in order.
func signImageKit(t *testing.T, node, key, endpoint string, urls []ikURL) []string {
	t.Helper()
	in, err := json.Marshal(map[string]any{"privateKey": key, "urlEndpoint": endpoint, "urls": urls})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sign.js")
	cmd.Dir = nodeDir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node sign.js: %v: %s", err, stderr.Bytes())
	}
	var signed []string
	if err := json.Unmarshal(out, &signed); err != nil {
		t.Fatalf("node sign.js printed %q: %v", out, err)
	}
	if len(signed) != len(urls) {
		t.Fatalf("node sign.js printed %d URLs for %d requests", len(signed), len(urls))
	}
	return signed
}

// imagekitPath cuts the endpoint off a URL the SDK built: the rest, with a
// leading slash, is what a handler mounted at the endpoint receives.
func imagekitPath(t *testing.T, endpoint, u string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(u, strings.TrimSuffix(endpoint, "/")+"/")
	if !ok {
		t.Fatalf("the SDK built %q, not a URL under %s", u, endpoint)
	}
	return "/" + rest
}

func imagekitVerifier(t *testing.T) signing.Verifier {
	t.Helper()
	v, err := signing.NewImageKit(imagekitKey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestImageKitSDKURLs requests URLs signed by ImageKit's Node.js SDK, with
// and without an expiry, and checks that each is served at the size its
// ImageKit transformation (tr: in the path or ?tr=) or its imgix query
// parameters ask for.
func TestImageKitSDKURLs(t *testing.T) {
	node := imagekitNode(t)
	tests := []struct {
		name   string
		url    ikURL
		width  int
		format string
	}{
		{"no parameters", ikURL{Path: "dice-alpha.png"}, 800, "png"},
		{"w", ikURL{Path: "dice-alpha.png", QueryParameters: map[string]string{"w": "120"}}, 120, "png"},
		{"w, h and fit=crop", ikURL{Path: "dice-alpha.png",
			QueryParameters: map[string]string{"w": "100", "h": "100", "fit": "crop"}}, 100, "png"},
		{"a list value (escaped comma)", ikURL{Path: "dice-alpha.png",
			QueryParameters: map[string]string{"w": "90", "h": "60", "fit": "crop", "crop": "top,left"}}, 90, "png"},
		{"fm=webp from a JPEG", ikURL{Path: "friends-portrait.jpg",
			QueryParameters: map[string]string{"w": "60", "fm": "webp"}}, 60, "webp"},
		{"a path with a space and a plus", ikURL{Path: escapedKey,
			QueryParameters: map[string]string{"w": "70"}}, 70, "png"},
		{"expiring, no parameters", ikURL{Path: "dice-alpha.png", ExpireSeconds: 3600}, 800, "png"},
		{"expiring, w", ikURL{Path: "dice-alpha.png", QueryParameters: map[string]string{"w": "110"},
			ExpireSeconds: 3600}, 110, "png"},
		{"tr in the path", ikURL{Path: "dice-alpha.png",
			Transformation: []map[string]string{{"width": "130"}}}, 130, "png"},
		{"tr in the query", ikURL{Path: "dice-alpha.png", TransformationPosition: "query",
			Transformation: []map[string]string{{"width": "90", "height": "60"}}}, 90, "png"},
		{"chained steps, in order", ikURL{Path: "dice-alpha.png",
			Transformation: []map[string]string{{"width": "200"}, {"rotation": "90"}}}, 150, "png"},
		{"format and quality", ikURL{Path: "friends-portrait.jpg",
			Transformation: []map[string]string{{"width": "64", "format": "webp", "quality": "50"}}}, 64, "webp"},
		{"tr, expiring", ikURL{Path: "dice-alpha.png", ExpireSeconds: 3600,
			Transformation: []map[string]string{{"width": "140"}}}, 140, "png"},
	}
	// The SDK joins the endpoint's path and the file's path as strings, so
	// an endpoint without a trailing slash takes paths with a leading one.
	endpoints := []struct {
		name, endpoint, pathPrefix string
	}{
		{"endpoint with a path", "http://ik.example.test/demo", "/"},
		{"endpoint at the root", "https://ik.example.test/", ""},
	}
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			urls := make([]ikURL, len(tests))
			for i, tt := range tests {
				urls[i] = tt.url
				urls[i].Path = e.pathPrefix + tt.url.Path
			}
			signed := signImageKit(t, node, imagekitKey, e.endpoint, urls)
			s := newServer(t, imagekitVerifier(t))
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					u := imagekitPath(t, e.endpoint, signed[i])
					if expiring := strings.Contains(u, "&ik-t=") || strings.Contains(u, "?ik-t="); expiring != (tt.url.ExpireSeconds != 0) {
						t.Fatalf("the SDK built %q: has ik-t %v, want %v", u, expiring, tt.url.ExpireSeconds != 0)
					}
					if got := wantImage(t, u, s.get(t, u), tt.width); got != tt.format {
						t.Errorf("%s: format %s, want %s", u, got, tt.format)
					}
				})
			}
		})
	}
}

// TestImageKitSDKTampered checks that URLs signed by ImageKit's Node.js SDK
// are refused with 403 ESIGNATURE, before the origin is asked, once changed.
func TestImageKitSDKTampered(t *testing.T) {
	node := imagekitNode(t)
	const endpoint = "http://ik.example.test/demo"
	params := map[string]string{"w": "100", "h": "100", "fit": "crop"}
	urls := signImageKit(t, node, imagekitKey, endpoint, []ikURL{
		{Path: "/dice-alpha.png", QueryParameters: params, ExpireSeconds: 3600},
		{Path: "/dice-alpha.png", QueryParameters: params},
		{Path: "/dice-alpha.png", QueryParameters: params, ExpireSeconds: -60},
	})
	other := signImageKit(t, node, "another-private-key", endpoint, []ikURL{{Path: "/dice-alpha.png", QueryParameters: params}})

	// "/dice-alpha.png?fit=crop&h=100&w=100&ik-t=<unix>&ik-s=<hex>"
	expiring := imagekitPath(t, endpoint, urls[0])
	forever := imagekitPath(t, endpoint, urls[1])
	sig := expiring[strings.Index(expiring, "&ik-s="):]
	expiry := expiring[strings.Index(expiring, "&ik-t="):strings.Index(expiring, "&ik-s=")]
	later := "&ik-t=9" + strings.TrimPrefix(expiry, "&ik-t=") // millennia later

	tests := []struct {
		name string
		url  string
	}{
		{"a parameter changed", mustReplace(t, expiring, "w=100", "w=101")},
		{"a parameter added before ik-t", mustReplace(t, expiring, "&ik-t=", "&q=10&ik-t=")},
		{"a parameter added after ik-s", expiring + "&w=10"},
		{"a parameter removed", mustReplace(t, expiring, "fit=crop&", "")},
		{"parameters reordered", mustReplace(t, expiring, "fit=crop&h=100", "h=100&fit=crop")},
		{"the path changed", mustReplace(t, expiring, "/dice-alpha.png", "/friends-portrait.jpg")},
		{"ik-s dropped", mustReplace(t, expiring, sig, "")},
		{"ik-s emptied", mustReplace(t, expiring, sig, "&ik-s=")},
		{"ik-s changed", expiring[:len(expiring)-1] + flipHex(expiring[len(expiring)-1])},
		{"ik-t dropped", mustReplace(t, expiring, expiry, "")},
		{"ik-t moved later", mustReplace(t, expiring, expiry, later)},
		{"ik-t added to a URL that never expires", mustReplace(t, forever, "&ik-s=", expiry+"&ik-s=")},
		{"signed with another key", imagekitPath(t, endpoint, other[0])},
		{"expired", imagekitPath(t, endpoint, urls[2])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, imagekitVerifier(t))
			wantRefused(t, s, tt.url, s.get(t, tt.url))
		})
	}
}

// TestImageKitSDKEndpointSlash requests URLs that the SDK builds with an
// endpoint ending in "/" and paths starting with one: it joins them with
// two slashes (https://host//dice-alpha.png?tr=...), as ImageKit serves
// them. The extra slash is not part of the key, and the signature covers the
// URL as sent: without the extra slash it is refused.
func TestImageKitSDKEndpointSlash(t *testing.T) {
	node := imagekitNode(t)
	const endpoint = "https://ik.example.test/"
	tests := []struct {
		name  string
		url   ikURL
		width int
	}{
		{"tr in the query", ikURL{Path: "/dice-alpha.png", TransformationPosition: "query",
			Transformation: []map[string]string{{"width": "200", "height": "200"}}}, 200},
		{"tr in the query, expiring", ikURL{Path: "/dice-alpha.png", TransformationPosition: "query",
			Transformation: []map[string]string{{"width": "120"}}, ExpireSeconds: 3600}, 120},
		{"imgix parameters", ikURL{Path: "/dice-alpha.png", QueryParameters: map[string]string{"w": "90"}}, 90},
		{"no parameters", ikURL{Path: "/dice-alpha.png"}, 800},
	}
	urls := make([]ikURL, len(tests))
	for i, tt := range tests {
		urls[i] = tt.url
	}
	signed := signImageKit(t, node, imagekitKey, endpoint, urls)
	s := newServer(t, imagekitVerifier(t))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := imagekitPath(t, endpoint, signed[i])
			if !strings.HasPrefix(u, "//dice-alpha.png") {
				t.Fatalf("the SDK built %q, without the double slash this test is about", signed[i])
			}
			if got := wantImage(t, u, s.get(t, u), tt.width); got != "png" {
				t.Errorf("%s: format %s, want png", u, got)
			}
			fresh := newServer(t, imagekitVerifier(t))
			wantRefused(t, fresh, u[1:], fresh.get(t, u[1:]))
		})
	}
}
