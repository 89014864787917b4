package negotiate

import (
	"net/http"
	"slices"
	"testing"
)

func TestAddVary(t *testing.T) {
	tests := []struct {
		name     string
		existing []string // Vary lines already in the header; nil = absent
		add      []string
		want     []string // Vary lines afterwards; nil = absent
	}{
		{"absent, add one", nil, []string{"Accept"}, []string{"Accept"}},
		{"absent, add several", nil, []string{"Accept", "Sec-CH-DPR", "DPR"}, []string{"Accept, Sec-CH-DPR, DPR"}},
		{"absent, add nothing", nil, nil, nil},
		{"absent, add blanks", nil, []string{"", "  "}, nil},
		{"merge", []string{"Accept-Encoding"}, []string{"Accept"}, []string{"Accept-Encoding, Accept"}},
		{"duplicate, other case", []string{"accept"}, []string{"Accept"}, []string{"accept"}},
		{"duplicates within names", nil, []string{"Accept", "ACCEPT", " accept "}, []string{"Accept"}},
		{"several lines", []string{"Accept-Encoding", "Origin, Accept"}, []string{"Accept", "DPR"},
			[]string{"Accept-Encoding, Origin, Accept, DPR"}},
		{"messy existing", []string{" Accept-Encoding ,, Origin ,"}, []string{"Accept"},
			[]string{"Accept-Encoding, Origin, Accept"}},
		{"nothing new leaves lines untouched", []string{"Accept", "Origin"}, []string{"origin"},
			[]string{"Accept", "Origin"}},
		{"existing star absorbs", []string{"*"}, []string{"Accept"}, []string{"*"}},
		{"existing star among others", []string{"Origin, *"}, []string{"Accept"}, []string{"*"}},
		{"added star absorbs", []string{"Accept-Encoding"}, []string{"Accept", "*"}, []string{"*"}},
		{"existing star, nothing new", []string{"*"}, []string{"*"}, []string{"*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.existing {
				h.Add("Vary", v)
			}
			AddVary(h, tt.add...)
			if got := h.Values("Vary"); !slices.Equal(got, tt.want) {
				t.Errorf("Vary = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddVaryNil(t *testing.T) {
	AddVary(nil, "Accept") // must not panic
}

func TestAddVaryKeepsOtherHeaders(t *testing.T) {
	h := http.Header{"Content-Type": {"image/webp"}}
	AddVary(h, VaryFor([]string{"dpr"})...)
	AddVary(h, "Accept")
	if got, want := h.Get("Vary"), "Sec-CH-DPR, DPR, Accept"; got != want {
		t.Errorf("Vary = %q, want %q", got, want)
	}
	if got := h.Get("Content-Type"); got != "image/webp" {
		t.Errorf("Content-Type = %q, want image/webp", got)
	}
}
