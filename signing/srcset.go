package signing

import (
	"maps"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Width ladder defaults, as in imgix's SDKs.
const (
	defaultMinWidth  = 100
	defaultMaxWidth  = 8192
	defaultTolerance = 0.08
	minTolerance     = 0.01
)

// dprQualities are the qualities of the 1x..5x entries of a DPR srcset, as
// in imgix's SDKs: the higher the density, the lower the quality a viewer
// notices.
var dprQualities = [...]string{"75", "50", "35", "23", "20"}

// SrcSetOptions tunes [Builder.SrcSet]. The zero value (or a nil pointer)
// gives imgix's defaults.
type SrcSetOptions struct {
	// MinWidth and MaxWidth bound the width ladder (defaults 100 and 8192;
	// values below 1 mean the default). Both are capped at 8192, and a
	// MaxWidth below MinWidth is raised to it.
	MinWidth, MaxWidth int

	// Tolerance is the largest relative difference tolerated between a
	// rendered width and the nearest ladder width (default 0.08): each width
	// is the previous one times 1 + 2*Tolerance. Values below 0.01 mean
	// 0.01, which bounds the ladder's length.
	Tolerance float64

	// Widths, when not empty, replaces the computed ladder. Widths below 1
	// are left out.
	Widths []int

	// DisableVariableQuality stops a DPR srcset from setting q per density.
	DisableVariableQuality bool
}

// SrcSet returns a srcset attribute value for the image at path with the
// given parameters, its entries separated by ",\n" as imgix's SDKs do.
//
// When params fix the width or the height (w or h is set), the srcset is a
// density ladder: five URLs with dpr=1..5 and descriptors "1x".."5x", each
// with the quality q=75, 50, 35, 23, 20 unless the caller set q or
// opts.DisableVariableQuality is true.
//
// Otherwise it is a width ladder: one URL per width with w set and the
// descriptor "<width>w", the widths being opts.Widths or [TargetWidths] of
// the options' range and tolerance.
//
// params is not modified.
func (b *Builder) SrcSet(path string, params url.Values, opts *SrcSetOptions) string {
	if opts == nil {
		opts = &SrcSetOptions{}
	}
	p := maps.Clone(params)
	if p == nil {
		p = url.Values{}
	}
	var entries []string
	if p.Get("w") != "" || p.Get("h") != "" {
		setQ := !opts.DisableVariableQuality && p.Get("q") == ""
		for i, q := range dprQualities {
			dpr := strconv.Itoa(i + 1)
			p.Set("dpr", dpr)
			if setQ {
				p.Set("q", q)
			}
			entries = append(entries, b.URL(path, p)+" "+dpr+"x")
		}
		return strings.Join(entries, ",\n")
	}
	widths := opts.Widths
	if len(widths) == 0 {
		widths = TargetWidths(opts.MinWidth, opts.MaxWidth, opts.Tolerance)
	}
	for _, w := range widths {
		if w < 1 {
			continue
		}
		ws := strconv.Itoa(w)
		p.Set("w", ws)
		entries = append(entries, b.URL(path, p)+" "+ws+"w")
	}
	return strings.Join(entries, ",\n")
}

// TargetWidths returns the width ladder imgix's SDKs use for srcset: starting
// at minWidth, each width is the previous (unrounded) one times
// 1 + 2*tolerance, rounded to the nearest integer, while it stays below
// maxWidth; maxWidth ends the ladder. Zero values mean the defaults
// (100, 8192, 0.08), which give
//
//	100, 116, 135, 156, 181, 210, 244, 283, 328, 380, 441, 512, 594, 689,
//	799, 927, 1075, 1247, 1446, 1678, 1946, 2257, 2619, 3038, 3524, 4087,
//	4741, 5500, 6380, 7401, 8192
//
// Out-of-range arguments are corrected as [SrcSetOptions] describes, and a
// width that rounds to the previous one is left out.
func TargetWidths(minWidth, maxWidth int, tolerance float64) []int {
	if minWidth < 1 {
		minWidth = defaultMinWidth
	}
	if maxWidth < 1 {
		maxWidth = defaultMaxWidth
	}
	minWidth = min(minWidth, defaultMaxWidth)
	maxWidth = min(max(maxWidth, minWidth), defaultMaxWidth)
	switch {
	case tolerance == 0:
		tolerance = defaultTolerance
	case tolerance < minTolerance || math.IsNaN(tolerance):
		tolerance = minTolerance
	}
	var widths []int
	for w := float64(minWidth); w < float64(maxWidth); w *= 1 + 2*tolerance {
		r := int(math.Round(w))
		if len(widths) == 0 || r > widths[len(widths)-1] {
			widths = append(widths, r)
		}
	}
	if len(widths) == 0 || widths[len(widths)-1] < maxWidth {
		widths = append(widths, maxWidth)
	}
	return widths
}
