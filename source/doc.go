// Package source opens original images by key from the storage that holds
// them.
//
// A [Source] turns a key such as "photos/dog.jpg" into an [Object]: a body to
// read and close, and the metadata the origin reported with it (content type,
// size, ETag, modification time and Cache-Control). Anything with an Open
// method of that shape is a Source; [Func] adapts a plain function.
//
// # Sources
//
//   - [Bucket] serves a [gocloud.dev/blob] bucket: a local directory, memory,
//     Amazon S3, Google Cloud Storage, Azure Blob Storage and more. The
//     program blank-imports the driver for its URL scheme; this package
//     imports none.
//   - [FS] serves an [fs.FS], such as an embed.FS of sample images or the
//     os.DirFS of a directory.
//   - [WebFolder] serves the files under a base URL on a web server, with
//     keys joined so that they never leave the base path, a deadline, and no
//     transparent decompression. Its base URL is the operator's choice, so
//     it has no guard against private addresses.
//
// # Keys
//
// Keys are relative, slash-separated paths. [ValidKey] defines which keys are
// acceptable, and every source in this package checks a key with it before
// it contacts its backend, so no key can name anything outside the source's
// root: "..", absolute paths, empty segments, backslashes, control
// characters and invalid UTF-8 are all refused with [ErrInvalidKey].
// Sources written outside this package should do the same.
//
// # Errors
//
// Failures are reported by wrapping one of the sentinel errors
// [ErrNotFound], [ErrPermission], [ErrTimeout], [ErrUnavailable] and
// [ErrInvalidKey] together with the backend's own error, so callers can test
// for either with [errors.Is] and [errors.As]. A cancelled context is
// reported as [context.Canceled]. Mapping these errors to HTTP statuses and
// response codes is left to the caller.
package source
