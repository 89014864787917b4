package transform

import (
	"errors"
	"net/url"
	"reflect"
	"testing"
)

// FuzzParseQuery checks that ParseQuery never panics, that its errors are
// *ParamError naming a parameter of the query, and that every Params it
// returns survives the round trip through Encode unchanged.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		"",
		"w=300&h=200&fit=crop&crop=top,left",
		"width=0.5&height=1.0&f=fillmax&bg=80ff0000&fill-color=blue&fill=solid",
		"ar=16:9&fit=crop&crop=focalpoint&fp-x=0.3&fp-y=0.7&fp-z=2.5",
		"rect=center,bottom,1.0,100&min-w=10&max-w=20&min-height=30&max-height=40",
		"rect=0.1,0.2,0.5,0.25",
		"dpr=2.5&q=0&auto=format&auto=compress&fm=jpeg&lossless=true",
		"flip=vh&rot=270&or=90&dl=My+Photo.jpg",
		"w64=MzAw&bg64=cmVk&dl64=Pz8-&fit64=Y3JvcA==",
		"w=1e9&h=NaN&dpr=Inf",
		"w=1&width=2",
		"bri=10&txt=hi&s=abc",
		"dl=%FF%00&fm=jpg%0A",
		"ar=1:8192&rect=0,0,2147483647,1&w=0.000001",
		"bg=transparent&fill-color=0000&q=75&auto=compress",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := ParseQuery(q)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseQuery(%q) error %v (%T) is not a *ParamError", raw, err, err)
			}
			if _, ok := q[pe.Param]; !ok || pe.Reason == "" {
				t.Fatalf("ParseQuery(%q) error %#v does not name a parameter of the query", raw, pe)
			}
			return
		}
		enc := p.Encode()
		q2, err := url.ParseQuery(enc)
		if err != nil {
			t.Fatalf("url.ParseQuery(%q) of Encode: %v", enc, err)
		}
		p2, err := ParseQuery(q2)
		if err != nil {
			t.Fatalf("ParseQuery(%q) = %#v; Encode = %q does not parse: %v", raw, p, enc, err)
		}
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip of %q through %q:\n got %#v\nwant %#v", raw, enc, p2, p)
		}
		if enc2 := p2.Encode(); enc2 != enc {
			t.Fatalf("Encode is not stable: %q then %q", enc, enc2)
		}
	})
}
