package integration_test

import (
	"testing"

	_ "gocloud.dev/blob/s3blob"
)

// TestS3 runs against the S3 bucket at $RENDITION_TEST_S3_URL, such as
// "s3://rendition?endpoint=http://127.0.0.1:19000&use_path_style=true&region=us-east-1"
// for a MinIO server, with the credentials in AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY.
func TestS3(t *testing.T) {
	t.Parallel()
	testBackend(t, envOrSkip(t, "RENDITION_TEST_S3_URL"))
}
