// Package compat holds no code: its tests check that URLs signed by the
// official client libraries of imgix (Go) and ImageKit (Node.js) are served
// by a [github.com/rendition-go/rendition.Handler] with the matching
// [github.com/rendition-go/rendition/signing.Verifier], and that the same
// URLs are refused, before the origin is asked for anything, once they are
// tampered with.
//
// The imgix tests always run. The ImageKit tests need Node.js and the SDK
// that "npm ci" installs in the imagekit-node folder; without them they are
// skipped with a message that says how to run them.
package compat
