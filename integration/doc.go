// Package integration tests Rendition against real storage services: Amazon
// S3 (a MinIO server), Azure Blob Storage (an Azurite server) and Google Cloud
// Storage (fake-gcs-server, run inside the test process). For each, it checks
// that [source.OpenBucket] serves originals with their metadata, that
// [cache.OpenBucket] passes the [cachetest] conformance suite, and that two
// handlers sharing a bucket cache tier render an image once between them.
//
// The package holds only tests. The S3 and Azure tests read the services'
// addresses from the environment and are skipped when they are not set;
// .ci/services.sh starts both servers and sets them:
//
//	bash .ci/services.sh go test -race ./integration/
//
// [source.OpenBucket]: https://pkg.go.dev/github.com/rendition-go/rendition/source#OpenBucket
// [cache.OpenBucket]: https://pkg.go.dev/github.com/rendition-go/rendition/cache#OpenBucket
// [cachetest]: https://pkg.go.dev/github.com/rendition-go/rendition/cache/cachetest
package integration
