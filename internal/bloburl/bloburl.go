// Package bloburl opens gocloud.dev/blob buckets from URLs for the packages
// that take one (source and cache), with errors that never show credentials
// and that name the driver package to import when it is missing.
package bloburl

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"gocloud.dev/blob"
)

// driverPackages names the package that registers each well-known URL
// scheme with blob.OpenBucket, for the error returned when it is missing.
var driverPackages = map[string]string{
	"file":   "gocloud.dev/blob/fileblob",
	"mem":    "gocloud.dev/blob/memblob",
	"s3":     "gocloud.dev/blob/s3blob",
	"gs":     "gocloud.dev/blob/gcsblob",
	"azblob": "gocloud.dev/blob/azureblob",
}

// Open opens the bucket at urlstr. adjust, when not nil, may change the
// parsed URL before it is opened (the caller's defaults for a scheme). Errors
// begin with pkg (such as "source") and show the URL as [Redact] does.
func Open(ctx context.Context, pkg, urlstr string, adjust func(*url.URL)) (*blob.Bucket, error) {
	u, err := url.Parse(urlstr)
	if err != nil {
		// The parse error quotes the URL, which may hold credentials.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: open bucket: invalid URL: %w", pkg, err)
	}
	shown := Redact(u)
	if u.Scheme == "" {
		return nil, fmt.Errorf("%s: open bucket %q: URL has no scheme", pkg, shown)
	}
	if !blob.DefaultURLMux().ValidBucketScheme(u.Scheme) {
		if driver, ok := driverPackages[u.Scheme]; ok {
			return nil, fmt.Errorf("%s: open bucket %q: no blob driver for scheme %q; add import _ %q", pkg, shown, u.Scheme, driver)
		}
		return nil, fmt.Errorf("%s: open bucket %q: no blob driver for scheme %q; blank-import the gocloud.dev/blob driver package that registers it", pkg, shown, u.Scheme)
	}
	if adjust != nil {
		adjust(u)
		urlstr = u.String()
	}
	b, err := blob.OpenBucket(ctx, urlstr)
	if err != nil {
		return nil, fmt.Errorf("%s: open bucket %q: %w", pkg, shown, err)
	}
	return b, nil
}

// Redact returns u without the parts that may hold credentials (the query,
// the password and the fragment), for messages.
func Redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	c.RawFragment = ""
	return c.Redacted()
}
