// Package signing signs and verifies image URLs, and builds them on the
// application side.
//
// A server checks every request with a [Verifier] before it fetches
// anything; an application builds signed URLs, and srcset attributes, with a
// [Builder]. Three schemes are provided:
//
//   - [HMAC], the native scheme (HMAC-SHA256), for new deployments;
//   - [Imgix], imgix's s= scheme (MD5 with a secret prefix), for URLs
//     already signed by imgix's SDKs;
//   - [ImageKit], ImageKit's ik-s/ik-t scheme (HMAC-SHA1), for URLs signed
//     by ImageKit's SDKs.
//
// Every scheme compares signatures in constant time, refuses a missing,
// empty, malformed or duplicated signature, and reports failures as errors
// wrapping [ErrSignature] (and [ErrExpired] for an expired URL) whose text
// is safe to show a client. No scheme can be built without a key or with an
// empty key: serving unsigned URLs is a choice made by not installing a
// Verifier at all.
//
// # The native scheme
//
// This section specifies [HMAC] precisely enough to sign URLs in any
// language.
//
// Inputs: a secret key (bytes; at least 32 random bytes are recommended),
// the path of the request as the server receives it, still percent-encoded
// (for a Go server r.URL.EscapedPath() after any http.StripPrefix of the
// handler's mount point), with its leading "/", and the parameters.
//
// The path must be signed in the form the server will see. A Go server's
// r.URL.EscapedPath() keeps the client's escaping when it is valid (only
// letters, digits, "-._~!$&'()*+,;=:@/" and %XX escapes in either case) and
// escapes the decoded path again otherwise, so sign paths escaped that way:
// [EscapePath] does.
//
// Step 1, canonical query. Take the query string (the part after "?"),
// and:
//
//  1. split it at every "&" into pairs; skip empty pairs;
//  2. split each pair at its first "=" into a name and a value (no "=" means
//     an empty value);
//  3. decode name and value as application/x-www-form-urlencoded: "+" is a
//     space and "%XX" (either case of hex digit) is the byte 0xXX. A pair
//     containing a raw ";", a "%" not followed by two hex digits, or more
//     than 10000 pieces between "&"s make the query malformed, and such a
//     URL is always refused;
//  4. drop every pair whose decoded name is "s";
//  5. sort the pairs by decoded name, comparing bytes; pairs with the same
//     name keep their order in the URL;
//  6. encode each pair as escape(name) "=" escape(value), where escape keeps
//     the bytes A-Z, a-z, 0-9, "-", "_", "." and "~", writes a space as "+",
//     and writes every other byte as "%" and two upper-case hex digits;
//  7. join the encoded pairs with "&".
//
// This is what Go's url.ParseQuery followed by url.Values.Encode computes.
// Examples:
//
//	received query                 canonical query
//	w=300&h=200&s=...              h=200&w=300
//	txt=Hello%20World&w=300        txt=Hello+World&w=300
//	txt=caf%c3%a9                  txt=caf%C3%A9
//	mark=a/b.png?x                 mark=a%2Fb.png%3Fx
//	auto=format&auto=compress      auto=format&auto=compress
//	auto=compress&auto=format      auto=compress&auto=format
//	flip&w=10                      flip=&w=10
//	s=...                          (empty)
//
// Step 2, signed string. If the canonical query is empty, the signed string
// is the path alone; otherwise it is path + "?" + canonical query. The
// signed string never depends on the host, the scheme or the mount point.
//
// Step 3, signature. Compute HMAC-SHA256 of the signed string with the key
// and encode the 32 bytes in the URL-safe base64 alphabet ("-" and "_")
// without "=" padding: 43 characters.
//
// Step 4, URL. Append the signature to the query as s=<signature>, last by
// convention (any position verifies).
//
// Worked example: key "example-key", path "/photos/dog.jpg", query
// "w=300&h=200&fit=crop&expires=1893456000". The signed string is
//
//	/photos/dog.jpg?expires=1893456000&fit=crop&h=200&w=300
//
// and the URL
//
//	/photos/dog.jpg?w=300&h=200&fit=crop&expires=1893456000&s=qokxnMdbaBDrtx3rAXHYQ0o6oofbDIBcYmLAaDIfvI4
//
// With the same key, path "/photos/my%20dog.jpg" and query
// "w=300&txt=Hello%20World", the signed string is
//
//	/photos/my%20dog.jpg?txt=Hello+World&w=300
//
// and the signature jp_TRZZ02K5-Eda9QDSl-QL51ZZ6Mo4Msvxgf9azMZE.
//
// The server decodes the value of s like any other value, finds exactly one
// s parameter, recomputes the signature from the other parameters and
// compares the two strings in constant time.
//
// Expiry: an expires parameter holds Unix seconds (a base-10 integer). It
// is signed like any other parameter, and a correctly signed URL is refused
// with [ErrExpired] once the current time is past it. More than one expires
// parameter, or one that is not a run of decimal digits no greater than
// 253402300799 (9999-12-31T23:59:59Z), is refused as malformed.
//
// Consequences of the canonical form: parameters with different names may
// be reordered and equivalent percent-encodings may be used without
// breaking the signature (proxies and caches that rewrite queries do not
// break URLs), but the values of one name may not be reordered, and any
// change of a name, a value or a byte of the path is refused. The path is
// used exactly as received: "/a%2Fb" and "/a/b" are different paths, and so
// are "/a%20b" and "/a%2520b". A path containing a raw "?" is refused.
//
// # imgix
//
// [Imgix] computes s = lowercase hex(MD5(token + path + "?" + query)), the
// path exactly as received, the query the raw received query in received
// order without the final s parameter; "?" + query is left out when s is the
// only parameter. Nothing is canonicalised: s must be the last parameter,
// and reordering or re-encoding any parameter breaks the signature. An
// expires parameter (Unix seconds) is honoured as for the native scheme.
// MD5 with a secret prefix is open to length extension attacks (a holder of
// one signed URL can sign that URL with bytes appended), so use this scheme
// only for compatibility.
//
// # ImageKit
//
// [ImageKit] computes ik-s = lowercase hex(HMAC-SHA1(key, signed + expiry)),
// where signed is the path without its leading "/" followed by "?" and the
// raw query without ik-t and ik-s when other parameters remain, and expiry
// is the ik-t parameter (Unix seconds) or the constant "9999999999" for a
// URL that never expires. ik-s is the last parameter, and ik-t, if present,
// comes just before it. An expired ik-t is refused with [ErrExpired]. An
// expires parameter is refused: it is not part of the scheme, and serving
// the URL would ignore the expiry it names.
//
// # Keys
//
// The three constructors, [NewHMAC], [NewImgix] and [NewImageKit], take their
// keys the same way: one or more strings, the first of which signs. A key is
// a string of bytes, not necessarily text; a key held as a []byte is passed
// as string(b). No key may be empty.
//
// # Key rotation
//
// Each scheme takes several keys: the first signs, and all of them verify.
// To rotate, put the new key after the old one and deploy the servers, then
// move it first and deploy the applications that sign, and finally remove
// the old key once no URL signed with it is needed. A URL signed with a key
// that has been removed is refused like any other bad signature.
//
// # Building URLs
//
// [Builder.URL] escapes the path as imgix's SDKs do ([EscapePath]), sorts
// the parameters, base64-encodes the values of "*64" parameters and signs;
// [Builder.SrcSet] builds srcset attributes with imgix's width and density
// ladders ([TargetWidths]).
package signing
