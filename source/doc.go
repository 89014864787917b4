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
//   - [WebProxy] serves any image on the web: the key is a full URL. Hosts
//     can be limited to an allow-list, and a [Guard] in the dialer refuses
//     loopback, private, link-local and other special addresses on every
//     connection and redirect hop, so requests cannot reach the internal
//     network (SSRF), DNS rebinding included. Since it fetches whatever a
//     request names, it reports [SigningRequirer]: handlers serve it only to
//     signed URLs unless told otherwise.
//   - [Chain] tries several sources in order, moving to the next only when
//     one has no such object.
//
// Sources that can revalidate a copy the caller holds (WebFolder, WebProxy,
// and a Chain through its members) implement [Revalidator]: OpenIfChanged
// sends the copy's validators and answers [ErrNotModified] when it is still
// current.
//
// # Keys
//
// Keys are relative, slash-separated paths. [CheckPathKey] defines which
// keys are acceptable, and every source in this package checks a key with it
// before it contacts its backend, so no key can name anything outside the source's
// root: "..", absolute paths, empty segments, backslashes, control
// characters and invalid UTF-8 are all refused with [ErrInvalidKey].
// Sources written outside this package should do the same. A source whose
// keys are something else (a WebProxy's are URLs), or that refuses more
// (Bucket and FS do not serve hidden files, whose names start with a dot,
// nor files that symbolic links place outside a local root), implements
// [KeyChecker]; [CheckKey] applies whichever rule a source has.
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
