package bloburl

import (
	"context"
	"net/url"
	"strings"
	"testing"

	_ "gocloud.dev/blob/memblob"
)

func TestOpen(t *testing.T) {
	tests := []struct {
		url  string
		want string // in the error
		not  string // never in the error
	}{
		{"s3://b?secret=hunter2", `add import _ "gocloud.dev/blob/s3blob"`, "hunter2"},
		{"s3://my-bucket?region=us-east-1&secret=hunter2", `open bucket "s3://my-bucket": no blob driver for scheme "s3"`, "hunter2"},
		{"gs://my-bucket", `add import _ "gocloud.dev/blob/gcsblob"`, ""},
		{"azblob://container", `add import _ "gocloud.dev/blob/azureblob"`, ""},
		{"nosuch://b#frag", `no blob driver for scheme "nosuch"; blank-import`, "frag"},
		{"nodriver://bucket?secret=s3cr3t", `open bucket "nodriver://bucket"`, "s3cr3t"},
		{"https://user:pa55@example.com/", "https://user:xxxxx@example.com/", "pa55"},
		{"no-scheme", "x: open bucket \"no-scheme\": URL has no scheme", ""},
		{"", "URL has no scheme", ""},
		{"mem://\x7f?secret=hunter2", "x: open bucket: invalid URL", "hunter2"},
		{"s3://bad\x7f?secret=hunter2", "x: open bucket: invalid URL", "hunter2"},
	}
	for _, tt := range tests {
		b, err := Open(context.Background(), "x", tt.url, nil)
		if err == nil {
			b.Close()
			t.Errorf("Open(%q) succeeded", tt.url)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || tt.not != "" && strings.Contains(err.Error(), tt.not) {
			t.Errorf("Open(%q) = %q; want %q in it and not %q", tt.url, err, tt.want, tt.not)
		}
	}

	var adjusted string
	b, err := Open(context.Background(), "x", "mem://", func(u *url.URL) { adjusted = u.Scheme })
	if err != nil || adjusted != "mem" {
		t.Fatalf("Open(mem://) = %v; adjust saw %q", err, adjusted)
	}
	b.Close()
}
