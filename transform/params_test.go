package transform

import (
	"net/url"
	"strings"
	"testing"
)

// TestParamErrorQuotesNames checks that a parameter name is written raw only
// when it is plain printable text, so that CR, LF and other control bytes in
// a name never reach a response body or a log line.
func TestParamErrorQuotesNames(t *testing.T) {
	tests := []struct {
		err  ParamError
		want string
	}{
		{ParamError{Param: "w", Value: "abc", Reason: "bad"}, `parameter w="abc": bad`},
		{ParamError{Param: "bri", Reason: "not supported yet"}, `parameter bri: not supported yet`},
		{ParamError{Param: "x\r\nSet-Cookie: a=b", Value: "1", Reason: "unknown parameter"},
			`parameter "x\r\nSet-Cookie: a=b"="1": unknown parameter`},
		{ParamError{Param: "a\x00b", Reason: "r"}, `parameter "a\x00b": r`},
		{ParamError{Param: "a b", Reason: "r"}, `parameter "a b": r`},
		{ParamError{Param: `a"b`, Reason: "r"}, `parameter "a\"b": r`},
		{ParamError{Param: "\u202egpj", Reason: "r"}, `parameter "\u202egpj": r`},
		{ParamError{Param: "\xff", Reason: "r"}, `parameter "\xff": r`},
		{ParamError{Param: "", Reason: "r"}, `parameter "": r`},
		{ParamError{Param: "größe", Reason: "r"}, `parameter größe: r`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %s, want %s", got, tt.want)
		}
	}
	// Through the parser: the name a client sent comes back escaped.
	_, err := ParseQuery(url.Values{"w\r\nx": {"1"}})
	if err == nil || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("ParseQuery error %q holds a raw CR or LF", err)
	}
}
