package rendition

import (
	"net/http"
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
//   - auto=format: the Accept header says which of AVIF and WebP the client
//     names, and [transform.Params.WithAccept] chooses; when it chooses
//     neither, the renderer picks a format every client displays. The
//     answer varies on Accept, also when the source's format won.
//   - ch=width, ch=dpr and ch=save-data: Sec-CH-Width (or Width),
//     Sec-CH-DPR (or DPR) and Save-Data, as [transform.Params.WithHints]
//     applies them: a hint can lower the size the URL gives, never raise it
//     beyond it (or, when the URL gives none, beyond the source's).
func negotiateParams(r *http.Request, p transform.Params, avif bool) (transform.Params, negotiated) {
	var n negotiated
	resolved := p
	if p.Auto&transform.AutoFormat != 0 {
		n.vary = append(n.vary, "Accept")
		accept := negotiate.ParseAccept(strings.Join(r.Header.Values("Accept"), ","))
		a := transform.Accept{AVIF: accept.Explicit("image/avif"), WebP: accept.Explicit("image/webp")}
		resolved = resolved.WithAccept(a, avif)
	}
	if p.ClientHints != 0 {
		n.acceptCH = true
		n.vary = append(n.vary, negotiate.VaryFor(hintNames(p.ClientHints))...)
		h := negotiate.ParseHints(r.Header)
		resolved = resolved.WithHints(transform.Hints{Width: h.Width, DPR: h.DPR, SaveData: h.SaveData})
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
