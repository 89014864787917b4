package negotiate

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

func TestParseHints(t *testing.T) {
	tests := []struct {
		name   string
		header map[string]string
		want   Hints
	}{
		{"none", nil, Hints{}},
		{"chromium", map[string]string{"Sec-CH-DPR": "2", "Sec-CH-Viewport-Width": "412"},
			Hints{DPR: 2, ViewportWidth: 412}},
		{"chromium with sizes", map[string]string{"Sec-CH-DPR": "2.625", "Sec-CH-Width": "1080", "Sec-CH-Viewport-Width": "412"},
			Hints{DPR: 2.625, Width: 1080, ViewportWidth: 412}},
		{"legacy", map[string]string{"DPR": "1.5", "Width": "600", "Viewport-Width": "1280", "Save-Data": "on"},
			Hints{DPR: 1.5, Width: 600, ViewportWidth: 1280, SaveData: true}},

		// Sec-CH- names win; a malformed one falls back to the legacy name.
		{"sec-ch wins", map[string]string{"Sec-CH-DPR": "3", "DPR": "1", "Sec-CH-Width": "300", "Width": "900",
			"Sec-CH-Viewport-Width": "400", "Viewport-Width": "1000"},
			Hints{DPR: 3, Width: 300, ViewportWidth: 400}},
		{"malformed sec-ch falls back", map[string]string{"Sec-CH-DPR": "x", "DPR": "2", "Sec-CH-Width": "-1", "Width": "640",
			"Sec-CH-Viewport-Width": "", "Viewport-Width": "800"},
			Hints{DPR: 2, Width: 640, ViewportWidth: 800}},
		{"both malformed", map[string]string{"Sec-CH-DPR": "0", "DPR": "abc"}, Hints{}},

		// DPR bounds and syntax.
		{"dpr clamped", map[string]string{"Sec-CH-DPR": "7.5"}, Hints{DPR: 5}},
		{"dpr five", map[string]string{"Sec-CH-DPR": "5"}, Hints{DPR: 5}},
		{"dpr huge", map[string]string{"Sec-CH-DPR": "99999999999999999999"}, Hints{DPR: 5}},
		{"dpr small", map[string]string{"Sec-CH-DPR": "0.25"}, Hints{DPR: 0.25}},
		{"dpr zero", map[string]string{"Sec-CH-DPR": "0.0"}, Hints{}},
		{"dpr negative", map[string]string{"Sec-CH-DPR": "-2"}, Hints{}},
		{"dpr spaces", map[string]string{"Sec-CH-DPR": " 2 "}, Hints{DPR: 2}},
		{"dpr NaN", map[string]string{"Sec-CH-DPR": "NaN"}, Hints{}},
		{"dpr Inf", map[string]string{"Sec-CH-DPR": "Inf"}, Hints{}},
		{"dpr exponent", map[string]string{"Sec-CH-DPR": "1e0"}, Hints{}},
		{"dpr hex", map[string]string{"Sec-CH-DPR": "0x2"}, Hints{}},
		{"dpr trailing dot", map[string]string{"Sec-CH-DPR": "2."}, Hints{}},
		{"dpr leading dot", map[string]string{"Sec-CH-DPR": ".5"}, Hints{}},
		{"dpr two dots", map[string]string{"Sec-CH-DPR": "1.2.3"}, Hints{}},
		{"dpr underscore", map[string]string{"Sec-CH-DPR": "1_0"}, Hints{}},

		// Width bounds and syntax.
		{"width max", map[string]string{"Sec-CH-Width": "8192"}, Hints{Width: 8192}},
		{"width clamped", map[string]string{"Sec-CH-Width": "8193"}, Hints{Width: 8192}},
		{"width overflow", map[string]string{"Sec-CH-Width": "99999999999999999999999"}, Hints{Width: 8192}},
		{"width leading zeros", map[string]string{"Sec-CH-Width": "000300"}, Hints{Width: 300}},
		{"width zero", map[string]string{"Sec-CH-Width": "0"}, Hints{}},
		{"width fraction", map[string]string{"Sec-CH-Width": "300.5"}, Hints{}},
		{"width plus", map[string]string{"Sec-CH-Width": "+300"}, Hints{}},
		{"width unit", map[string]string{"Sec-CH-Width": "300px"}, Hints{}},
		{"width empty", map[string]string{"Width": ""}, Hints{}},
		{"viewport clamped", map[string]string{"Viewport-Width": "10000"}, Hints{ViewportWidth: 8192}},

		// Save-Data.
		{"save-data upper", map[string]string{"Save-Data": "ON"}, Hints{SaveData: true}},
		{"save-data params", map[string]string{"Save-Data": " on ; foo"}, Hints{SaveData: true}},
		{"save-data off", map[string]string{"Save-Data": "off"}, Hints{}},
		{"save-data empty", map[string]string{"Save-Data": ""}, Hints{}},
		{"save-data prefix", map[string]string{"Save-Data": "online"}, Hints{}},
		{"save-data sf boolean", map[string]string{"Save-Data": "?1"}, Hints{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := ParseHints(h); got != tt.want {
				t.Errorf("ParseHints(%v) = %+v, want %+v", tt.header, got, tt.want)
			}
		})
	}
}

func TestParseHintsLowercaseHeaderNames(t *testing.T) {
	// Header names are case-insensitive: http.Header canonicalises them.
	h := http.Header{}
	h.Set("sec-ch-dpr", "2")
	h.Set("save-data", "on")
	if got, want := ParseHints(h), (Hints{DPR: 2, SaveData: true}); got != want {
		t.Errorf("ParseHints = %+v, want %+v", got, want)
	}
}

func TestHintKeysCanonical(t *testing.T) {
	pairs := [][2][]string{
		{dprHeaders, dprKeys}, {widthHeaders, widthKeys}, {viewportHeaders, viewportKeys},
		{saveDataHeaders, {saveDataKey}},
	}
	for _, p := range pairs {
		names, keys := p[0], p[1]
		if len(names) != len(keys) {
			t.Fatalf("%q and %q differ in length", names, keys)
		}
		for i := range names {
			if got := textproto.CanonicalMIMEHeaderKey(names[i]); got != keys[i] {
				t.Errorf("canonical key of %q is %q, the table says %q", names[i], got, keys[i])
			}
		}
	}
}

func TestParseHintsNil(t *testing.T) {
	if got := ParseHints(nil); got != (Hints{}) {
		t.Errorf("ParseHints(nil) = %+v, want zero", got)
	}
}

func TestVaryFor(t *testing.T) {
	tests := []struct {
		hints []string
		want  []string
	}{
		{nil, nil},
		{[]string{"unknown"}, nil},
		{[]string{"dpr"}, []string{"Sec-CH-DPR", "DPR"}},
		{[]string{"width", "dpr", "save-data"},
			[]string{"Sec-CH-Width", "Width", "Sec-CH-DPR", "DPR", "Save-Data"}},
		{[]string{" Width ", "WIDTH", "width"}, []string{"Sec-CH-Width", "Width"}},
		{[]string{"viewport-width", "bogus", "save-data"},
			[]string{"Sec-CH-Viewport-Width", "Viewport-Width", "Save-Data"}},
	}
	for _, tt := range tests {
		if got := VaryFor(tt.hints); !slices.Equal(got, tt.want) {
			t.Errorf("VaryFor(%q) = %q, want %q", tt.hints, got, tt.want)
		}
	}
}

func TestVaryForResultIsFresh(t *testing.T) {
	got := VaryFor([]string{"dpr"})
	got[0] = "changed"
	if again := VaryFor([]string{"dpr"}); again[0] != "Sec-CH-DPR" {
		t.Errorf("modifying a result changed a later one: %q", again)
	}
}

func TestAcceptCHIsRead(t *testing.T) {
	// Every hint AcceptCH asks for must be one ParseHints reads.
	for name := range strings.SplitSeq(AcceptCH, ", ") {
		h := http.Header{}
		h.Set(name, "2")
		if ParseHints(h) == (Hints{}) {
			t.Errorf("AcceptCH asks for %s, which ParseHints ignores", name)
		}
	}
}
