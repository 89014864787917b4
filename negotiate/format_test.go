package negotiate

import "testing"

// browserAccepts are the Accept headers browsers and tools send for images.
var browserAccepts = []struct {
	client string
	accept string
}{
	{"Chromium 156", "image/jxl,image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"},
	{"Firefox 128+", "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"},
	{"Firefox 92-127", "image/avif,image/webp,*/*"},
	{"Firefox 65-91", "image/webp,*/*"},
	{"Safari 17+", "image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"},
	{"Safari 14-15", "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5"},
	{"curl", "*/*"},
	{"no Accept header", ""},
	{"old browser", "image/png,image/*;q=0.8,*/*;q=0.5"},
}

func TestChooseFormatBrowsers(t *testing.T) {
	// want: AVIF on (opaque, alpha), AVIF off (opaque, alpha), for a JPEG source.
	want := map[string][4]string{
		"Chromium 156":     {"avif", "avif", "webp", "webp"},
		"Firefox 128+":     {"avif", "avif", "webp", "webp"},
		"Firefox 92-127":   {"avif", "avif", "webp", "webp"},
		"Firefox 65-91":    {"webp", "webp", "webp", "webp"},
		"Safari 17+":       {"avif", "avif", "webp", "webp"},
		"Safari 14-15":     {"webp", "webp", "webp", "webp"},
		"curl":             {"jpg", "png", "jpg", "png"},
		"no Accept header": {"jpg", "png", "jpg", "png"},
		"old browser":      {"jpg", "png", "jpg", "png"},
	}
	for _, b := range browserAccepts {
		w, ok := want[b.client]
		if !ok {
			t.Fatalf("no expectation for %s", b.client)
		}
		a := ParseAccept(b.accept)
		got := [4]string{
			ChooseFormat(a, false, "jpg", Formats{AVIF: true}),
			ChooseFormat(a, true, "jpg", Formats{AVIF: true}),
			ChooseFormat(a, false, "jpg", Formats{}),
			ChooseFormat(a, true, "jpg", Formats{}),
		}
		if got != w {
			t.Errorf("%s: got %v, want %v (AVIF on opaque/alpha, AVIF off opaque/alpha)", b.client, got, w)
		}
	}
}

func TestChooseFormatFallback(t *testing.T) {
	none := ParseAccept("image/png,image/*;q=0.8,*/*;q=0.5")
	tests := []struct {
		source   string
		hasAlpha bool
		want     string
	}{
		{"jpg", false, "jpg"},
		{"jpg", true, "png"},
		{"png", false, "png"},
		{"png", true, "png"},
		{"gif", false, "gif"},
		{"gif", true, "gif"},
		{"webp", false, "jpg"},
		{"webp", true, "png"},
		{"avif", false, "jpg"},
		{"avif", true, "png"},
		{"bmp", false, "jpg"},
		{"tiff", true, "png"},
		{"", false, "jpg"},
		{"", true, "png"},
		{"PNG", true, "png"},
		{"PNG", false, "jpg"},
	}
	for _, tt := range tests {
		for _, enabled := range []Formats{{}, {AVIF: true}} {
			if got := ChooseFormat(none, tt.hasAlpha, tt.source, enabled); got != tt.want {
				t.Errorf("ChooseFormat(no modern format, alpha=%v, %q, %+v) = %q, want %q",
					tt.hasAlpha, tt.source, enabled, got, tt.want)
			}
		}
	}
}

func TestChooseFormatAccept(t *testing.T) {
	tests := []struct {
		name    string
		accept  string
		enabled Formats
		want    string
	}{
		{"avif only, enabled", "image/avif", Formats{AVIF: true}, "avif"},
		{"avif only, disabled", "image/avif", Formats{}, "jpg"},
		{"avif excluded", "image/avif;q=0,image/webp", Formats{AVIF: true}, "webp"},
		{"webp excluded", "image/avif;q=0,image/webp;q=0,*/*", Formats{AVIF: true}, "jpg"},
		{"q does not reorder", "image/webp;q=1,image/avif;q=0.1", Formats{AVIF: true}, "avif"},
		{"wildcards are not support", "image/*,*/*", Formats{AVIF: true}, "jpg"},
		{"case", "IMAGE/WEBP", Formats{}, "webp"},
		{"no substring match", "image/webpx,image/avif2", Formats{AVIF: true}, "jpg"},
	}
	for _, tt := range tests {
		if got := ChooseFormat(ParseAccept(tt.accept), false, "jpg", tt.enabled); got != tt.want {
			t.Errorf("%s: ChooseFormat(%q, %+v) = %q, want %q", tt.name, tt.accept, tt.enabled, got, tt.want)
		}
	}
}

func TestPreferred(t *testing.T) {
	tests := []struct {
		accept string
		avif   bool
		want   string
	}{
		{"image/avif,image/webp,*/*", true, "avif"},
		{"image/avif,image/webp,*/*", false, "webp"},
		{"image/avif,*/*", false, ""},
		{"image/*,*/*", true, ""},
		{"image/webp;q=0,image/*", true, ""},
	}
	for _, tt := range tests {
		if got := Preferred(ParseAccept(tt.accept), Formats{AVIF: tt.avif}); got != tt.want {
			t.Errorf("Preferred(%q, AVIF %v) = %q, want %q", tt.accept, tt.avif, got, tt.want)
		}
	}
}
