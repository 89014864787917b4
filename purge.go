package rendition

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rendition-go/rendition/cache"
	"github.com/rendition-go/rendition/source"
)

// Purge removes the original stored under key and every derivative of it
// from the derivative cache and the origin cache (every tier of each), then
// calls [Options].OnPurge so that a CDN in front can be purged too.
//
// Each cache must implement [cache.Purger]: all the entries of one original
// share a key prefix, so a purge is one prefix deletion per cache, never a
// scan of the whole cache. A render that was under way when Purge was called
// is not stored. Other instances' memory tiers are not reached directly:
// with several instances, give their memory tiers a
// [cache.MemoryOptions].MaxAge, which bounds how long they keep a copy.
func (h *Handler) Purge(ctx context.Context, key string) error {
	if err := source.CheckKey(h.src, key); err != nil {
		return classify(err, key)
	}
	prefix := h.prefix(key)
	h.purges.mark(prefix)
	h.flights.ForgetPrefix(prefix)
	h.originFlights.ForgetPrefix(prefix)
	var errs []error
	for _, c := range h.caches() {
		p, ok := c.(cache.Purger)
		if !ok {
			errs = append(errs, fmt.Errorf("rendition: purge %q: %T cannot delete by prefix (implement cache.Purger)", key, c))
			continue
		}
		if err := p.DeletePrefix(ctx, prefix); err != nil {
			errs = append(errs, fmt.Errorf("rendition: purge %q: %w", key, err))
		}
	}
	if h.opts.OnPurge != nil {
		if err := h.opts.OnPurge(ctx, key); err != nil {
			errs = append(errs, fmt.Errorf("rendition: purge %q: OnPurge: %w", key, err))
		}
	}
	h.stats.purges.Add(1)
	return errors.Join(errs...)
}

// caches returns the derivative cache and, when it is another one, the
// origin cache.
func (h *Handler) caches() []cache.Cache {
	if h.originals == h.cache {
		return []cache.Cache{h.cache}
	}
	return []cache.Cache{h.cache, h.originals}
}

// purgeLog numbers purges so that work can tell whether what it read was
// purged while it ran, without comparing clocks: work takes a ticket (the
// number of purges so far) before it reads anything, and before it stores
// what it made, or serves what it read from a cache, asks whether its prefix
// was purged after that ticket. It is safe for concurrent use.
type purgeLog struct {
	seq atomic.Uint64 // number of purges so far

	mu        sync.Mutex
	at        map[string]uint64 // prefix -> the sequence number of its last purge
	forgotten uint64            // purges up to this number were dropped from at
}

// maxRememberedPurges bounds the purgeLog's memory. When it is reached, the
// older half is forgotten, and work that started before a forgotten purge
// is treated as purged: it is served, but not stored.
const maxRememberedPurges = 4096

// ticket returns the current sequence number, to pass to after later.
func (l *purgeLog) ticket() uint64 { return l.seq.Load() }

// mark records a purge of prefix.
func (l *purgeLog) mark(prefix string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.at == nil {
		l.at = make(map[string]uint64)
	}
	seq := l.seq.Add(1)
	l.at[prefix] = seq
	if len(l.at) > maxRememberedPurges {
		l.forgotten = seq - maxRememberedPurges/2
		for p, at := range l.at {
			if at <= l.forgotten {
				delete(l.at, p)
			}
		}
	}
}

// after reports whether prefix was purged after ticket was taken. Without a
// purge since then, every prefix is clean, so a cache hit pays one atomic
// load for the check.
func (l *purgeLog) after(prefix string, ticket uint64) bool {
	if l.seq.Load() == ticket {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return ticket < l.forgotten || l.at[prefix] > ticket
}

// purgeRequest is what a purge request names: the members of imgix's purge
// API body (JSON:API), {"data": {"type": ..., "attributes": {"url": ...}}}.
type purgeRequest struct {
	Type string // data.type
	URL  string // data.attributes.url
}

// PurgeHandler returns a handler for imgix-style purge requests:
//
//	POST /purge
//	Content-Type: application/vnd.api+json
//	{"data": {"type": "purges", "attributes": {"url": "https://images.example.com/img/dog.jpg"}}}
//
// The URL's path, less mountPrefix (the prefix the image handler is mounted
// under, such as "/img"; "" when it serves the root), names the original to
// [Handler.Purge], as a request to that URL names it: an ImageKit
// transformation in the path (/img/tr:w-300/dog.jpg) is not part of the
// key, and every derivative of the original is purged. Member names are
// matched exactly; an unknown or repeated member is refused. It answers 200
// with the request's body on success, 400 EINVAL for a malformed request,
// 405 for other methods and 500 when a cache failed. It does no
// authentication: mount it behind your own.
func (h *Handler) PurgeHandler(mountPrefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			h.fail(w, r, &Error{Status: http.StatusMethodNotAllowed, Code: CodeInvalid, Message: "use POST"}, "")
			return
		}
		key, body, err := parsePurge(r, mountPrefix)
		if err != nil {
			h.fail(w, r, err, "")
			return
		}
		if err := h.Purge(r.Context(), key); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Status: http.StatusInternalServerError, Code: CodeUnidentified,
					Message: "the purge did not complete; retry it", Transient: true, Err: err}
			}
			h.fail(w, r, e, key)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	})
}

// purgeShape is the body parsePurge expects, for its error messages.
const purgeShape = `the body must be {"data": {"type": "purges", "attributes": {"url": "..."}}}`

// parsePurge reads a purge request and returns the source key it names.
func parsePurge(r *http.Request, mountPrefix string) (key string, body []byte, err error) {
	invalid := func(msg string, err error) (string, []byte, error) {
		return "", nil, &Error{Status: http.StatusBadRequest, Code: CodeInvalid, Message: msg, Err: err}
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return invalid("the request body could not be read", err)
	}
	req, err := decodePurge(body)
	if err != nil {
		var me *memberError
		if errors.As(err, &me) {
			return invalid(me.Error()+"; "+purgeShape, nil)
		}
		return invalid(purgeShape, err)
	}
	if req.Type != "purges" {
		return invalid(`data.type must be "purges"`, nil)
	}
	u, err := url.Parse(req.URL)
	if err != nil || u.Path == "" {
		return invalid("data.attributes.url must be the URL of an image", err)
	}
	path, ok := strings.CutPrefix(u.Path, mountPrefix)
	if ok && !strings.HasSuffix(mountPrefix, "/") && path != "" && path[0] != '/' {
		ok = false // "/img" is where "/img/dog.jpg" is mounted, not "/imgx/dog.jpg"
	}
	if !ok {
		return invalid(fmt.Sprintf("the URL's path does not start with %q", mountPrefix), nil)
	}
	key, _ = pathKey(path)
	return key, body, nil // Purge checks the key
}

// decodePurge decodes a purge body. Unlike encoding/json's Unmarshal, which
// matches member names without regard to case and keeps the last of
// repeated members, it matches names exactly and refuses unknown and
// repeated members, so what is purged is never a guess.
func decodePurge(body []byte) (purgeRequest, error) {
	var req purgeRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	err := decodeObject(dec, "", map[string]func(string) error{
		"data": func(name string) error {
			return decodeObject(dec, name, map[string]func(string) error{
				"type": func(name string) error { return decodeString(dec, name, &req.Type) },
				"attributes": func(name string) error {
					return decodeObject(dec, name, map[string]func(string) error{
						"url": func(name string) error { return decodeString(dec, name, &req.URL) },
						// imgix's optional attributes, accepted and checked
						// but of no consequence here: a purge always
						// removes every derivative of the original (what
						// sub_image asks for), and a Handler has one source.
						"sub_image": func(name string) error { return decodeBool(dec, name) },
						"source_id": func(name string) error { var id string; return decodeString(dec, name, &id) },
					})
				},
			})
		},
	})
	if err != nil {
		return req, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, errors.New("data after the JSON object")
	}
	return req, nil
}

// memberError names a member of a purge body that is not as expected.
type memberError struct {
	member, problem string
}

func (e *memberError) Error() string {
	if e.member == "" {
		return "the body " + e.problem
	}
	return fmt.Sprintf("member %q %s", e.member, e.problem)
}

// decodeObject reads an object, the value of the member called name ("" at
// the top), from dec: each of its members must be one of members, given
// once, and is read by its function, which gets the member's full name.
func decodeObject(dec *json.Decoder, name string, members map[string]func(string) error) error {
	if t, err := dec.Token(); err != nil {
		return err
	} else if t != json.Delim('{') {
		return &memberError{member: name, problem: "must be a JSON object"}
	}
	seen := make(map[string]bool, len(members))
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		member, _ := t.(string) // the decoder reads an object's names as strings
		full := member
		if name != "" {
			full = name + "." + member
		}
		read, ok := members[member]
		switch {
		case !ok:
			return &memberError{member: full, problem: "is unknown (names are matched exactly)"}
		case seen[member]:
			return &memberError{member: full, problem: "is given more than once"}
		}
		seen[member] = true
		if err := read(full); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing '}'
	return err
}

// decodeBool reads the boolean value of the member called name.
func decodeBool(dec *json.Decoder, name string) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if _, ok := t.(bool); !ok {
		return &memberError{member: name, problem: "must be true or false"}
	}
	return nil
}

// decodeString reads the string value of the member called name into s.
func decodeString(dec *json.Decoder, name string, s *string) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	v, ok := t.(string)
	if !ok {
		return &memberError{member: name, problem: "must be a string"}
	}
	*s = v
	return nil
}
