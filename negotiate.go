package rendition

import (
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/rendition-go/rendition/negotiate"
	"github.com/rendition-go/rendition/transform"
)

// negotiated is what the request's headers decided.
type negotiated struct {
	vary     []string // request headers the answer depends on
	acceptCH bool     // the URL uses client hints: ask the browser for them
}

// setHeaders adds the headers every answer to a negotiated request carries,
// errors included: Vary and Accept-CH.
func (n negotiated) setHeaders(hdr http.Header) {
	negotiate.AddVary(hdr, n.vary...)
	if n.acceptCH {
		hdr.Set("Accept-CH", negotiate.AcceptCH)
	}
}

// negotiateRequest resolves what the headers decide in every step of req;
// avif says whether AVIF output is enabled.
func negotiateRequest(r *http.Request, req *Request, avif bool) negotiated {
	var n negotiated
	req.Params, n = negotiateParams(r, req.Params, avif)
	for i := range req.Then {
		var more negotiated
		req.Then[i], more = negotiateParams(r, req.Then[i], avif)
		n.vary = append(n.vary, more.vary...)
		n.acceptCH = n.acceptCH || more.acceptCH
	}
	return n
}

// negotiateParams resolves what the request headers decide into concrete
// parameters, so that the derivative key names exactly what is rendered:
//
//   - auto=format: AVIF when it is enabled and the client lists image/avif
//     explicitly, else WebP when it lists image/webp (a wildcard is not
//     enough: every browser sends image/*), else the format
//     asked with fm, else the renderer keeps a JPEG, PNG or GIF source and
//     picks PNG or JPEG for the others. The answer varies on Accept, also when
//     the source's format won.
//   - ch=width: Sec-CH-Width (or Width), in device pixels, replaces w (and dpr,
//     which it already includes); a fixed height is scaled with it.
//   - ch=dpr: Sec-CH-DPR (or DPR) replaces dpr.
//   - ch=save-data: Save-Data: on lowers the quality to 45 at most.
func negotiateParams(r *http.Request, p transform.Params, avif bool) (transform.Params, negotiated) {
	var n negotiated
	resolved := p
	if p.Auto&transform.AutoFormat != 0 {
		n.vary = append(n.vary, "Accept")
		accept := negotiate.ParseAccept(strings.Join(r.Header.Values("Accept"), ","))
		if f := negotiate.Preferred(accept, negotiate.Formats{AVIF: avif}); f != "" {
			resolved.Format = transform.Format(f)
		}
	}
	if p.ClientHints != 0 {
		n.acceptCH = true
		n.vary = append(n.vary, negotiate.VaryFor(hintNames(p.ClientHints))...)
		applyHints(&resolved, negotiate.ParseHints(r.Header))
	}
	if resolved != p {
		resolved = canonical(resolved)
	}
	return resolved, n
}

func hintNames(h transform.ClientHints) []string {
	var names []string
	if h&transform.HintWidth != 0 {
		names = append(names, "width")
	}
	if h&transform.HintDPR != 0 {
		names = append(names, "dpr")
	}
	if h&transform.HintSaveData != 0 {
		names = append(names, "save-data")
	}
	return names
}

func applyHints(p *transform.Params, hints negotiate.Hints) {
	if p.ClientHints&transform.HintWidth != 0 && hints.Width >= 2 {
		w := float64(hints.Width)
		if p.Width >= 2 && p.Height >= 2 {
			p.Height = math.Min(8192, math.Max(2, math.Round(p.Height*w/p.Width)))
		}
		p.Width, p.DPR = w, 0
	} else if p.ClientHints&transform.HintDPR != 0 && hints.DPR > 0 {
		p.DPR = hints.DPR
	}
	if p.ClientHints&transform.HintSaveData != 0 && hints.SaveData && (p.Quality == 0 || p.Quality > 45) {
		p.Quality = 45
	}
}

// canonical returns p in canonical form (defaults as zero values), so that
// a hint that restates a default does not make a second cache entry.
func canonical(p transform.Params) transform.Params {
	q, err := url.ParseQuery(p.Encode())
	if err != nil {
		return p
	}
	c, err := transform.ParseQuery(q)
	if err != nil {
		return p // a value only hints produced; p renders the same
	}
	return c
}
