package integration_test

import (
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	_ "gocloud.dev/blob/gcsblob"
)

// gcsBucket is the bucket of the emulator started by TestMain.
const gcsBucket = "rendition"

// TestMain starts fake-gcs-server, a Google Cloud Storage emulator, in this
// process for TestGCS, and points the Cloud Storage client at it through
// STORAGE_EMULATOR_HOST: setting it here rather than in the test lets the
// tests run in parallel.
func TestMain(m *testing.M) {
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		Scheme: "http",
		Host:   "127.0.0.1",
		// Objects are read from the emulator's own address, which it
		// serves them at only if it is the public host.
		PublicHost: "127.0.0.1",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting fake-gcs-server:", err)
		os.Exit(1)
	}
	srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: gcsBucket})
	// The client takes the emulator's host:port and speaks plain HTTP.
	u, err := url.Parse(srv.URL())
	if err == nil {
		err = os.Setenv("STORAGE_EMULATOR_HOST", u.Host)
	}
	if err != nil {
		srv.Stop()
		fmt.Fprintln(os.Stderr, "fake-gcs-server address:", err)
		os.Exit(1)
	}
	code := m.Run()
	srv.Stop()
	os.Exit(code)
}

// TestGCS runs against the emulator started by TestMain.
func TestGCS(t *testing.T) {
	t.Parallel()
	testBackend(t, "gs://"+gcsBucket)
}
