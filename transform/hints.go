package transform

import "math"

// Hints are the client hints of one request that a URL may opt into with
// ch= (see [Params.ClientHints]). A zero field means the hint is absent.
// Reading them from HTTP headers is the caller's job. Hints is a plain
// value, safe for concurrent use.
type Hints struct {
	// Width is the width the image is displayed at, in device pixels
	// (Sec-CH-Width, or Width). Values above 8192 count as 8192.
	Width int
	// DPR is the device pixel ratio (Sec-CH-DPR, or DPR). It counts in
	// hundredths, at least 0.01 and at most 5.
	DPR float64
	// SaveData reports that the user asked for reduced data usage
	// (Save-Data: on).
	SaveData bool
}

// compressedQuality is the default quality with auto=compress, and the
// highest with Save-Data.
const compressedQuality = 45

// defaultQualityFor returns the quality used when q is not given.
func defaultQualityFor(a Auto) int {
	if a&AutoCompress != 0 {
		return compressedQuality
	}
	return defaultQuality
}

// WithHints returns p with the client hints h applied, those that p's
// ClientHints opts into; the others are ignored. A hint never makes the
// output larger than the URL allows, so that one signed URL cannot be made
// to render thousands of sizes:
//
//   - ch=width: h.Width, in device pixels, lowers the output width (it
//     already includes the dpr). With w (or max-w) it can only lower what
//     they give, times dpr; without them it is capped at the source's width,
//     as if max-w were the source's width. A fixed height scales with the
//     width. Where min-w, ar or the fit would still make the output wider or
//     taller than without the hint, the layout ignores it. When it applies,
//     the DPR hint is ignored.
//   - ch=dpr: h.DPR replaces dpr when it is lower than the URL's dpr; with
//     no dpr in the URL it may raise the output only up to the source's size
//     (never below dpr 1). Without w or h, dpr changes nothing and the hint
//     is dropped.
//   - ch=save-data: with h.SaveData, the quality is at most 45.
//
// Bounds that need the source's size are applied by [Render] (as WidthHint
// and DPRHint); everything else is resolved here. The result is canonical
// as [ParseQuery]'s results are: a hint that changes nothing (a DPR of 1, a
// width at or above a w in pixels, the default quality) leaves p as it was,
// so it makes no second cache entry. Only the layout knows whether a width
// hint without w, or a DPR hint above 1 without dpr, changes anything: such
// hints are kept. WithHints only reads p.
func (p Params) WithHints(h Hints) Params {
	dpr := p.DPR
	if dpr == 0 {
		dpr = 1
	}
	switch {
	case p.ClientHints&HintWidth != 0 && h.Width > 0:
		w := min(h.Width, maxParamSize)
		if !(p.Width >= 2 && float64(w) >= p.Width*dpr) {
			p.WidthHint = w
		}
	case p.ClientHints&HintDPR != 0 && h.DPR > 0:
		// In hundredths, at least 0.01: finer values would give one URL
		// any number of cache keys for outputs less than a pixel apart.
		d := max(math.Round(min(h.DPR, maxParamDPR)*100)/100, 0.01)
		switch {
		case d >= dpr:
			if p.DPR == 0 && d > 1 && (p.Width != 0 || p.Height != 0) {
				p.DPRHint = d
			}
		case d != 1:
			p.DPR = d
		default:
			p.DPR = 0
		}
	}
	if p.ClientHints&HintSaveData != 0 && h.SaveData {
		def := defaultQualityFor(p.Auto)
		if q := p.Quality; q == 0 && def > compressedQuality || q > compressedQuality {
			p.Quality = compressedQuality
		}
		if p.Quality == def {
			p.Quality = 0
		}
	}
	return p
}
