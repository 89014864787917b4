package transform

import (
	"image"
	"strings"
)

// Accept says which optional output formats a client names itself in its
// Accept header. Only a format named explicitly counts: browsers send
// image/* and */* whatever they decode, so a wildcard says nothing about
// AVIF or WebP. The zero value names neither. Accept is a plain value, safe
// for concurrent use.
type Accept struct {
	AVIF, WebP bool
}

// WithAccept resolves auto=format for a client that names the formats in a;
// avif says whether AVIF output is enabled ([Options].AVIF). The format of
// an auto=format output is the first that applies of:
//
//  1. AVIF, when avif is set and the client names it;
//  2. WebP, when the client names it;
//  3. the fallback, fm or else the source's format, when it is JPEG, PNG or
//     GIF, which every client displays;
//  4. PNG when the image has transparent pixels, JPEG otherwise.
//
// The client's q-values do not reorder steps 1 and 2: the format that is
// usually smallest wins among those the client names. Steps 1 and 2 need
// only the request, so a server resolves them here, before fetching the
// source, and keys its cache on the result: p gets the Format and loses
// AutoFormat, as nothing is left to negotiate. Otherwise, and without
// auto=format, p is returned as it is, and [Render] applies steps 3 and 4,
// which need the image. WithAccept only reads p.
func (p Params) WithAccept(a Accept, avif bool) Params {
	if p.Auto&AutoFormat == 0 {
		return p
	}
	switch {
	case avif && a.AVIF:
		p.Format = AVIF
	case a.WebP:
		p.Format = WebP
	default:
		return p
	}
	p.Auto &^= AutoFormat
	return p
}

// outputFormat is the format Render writes: the one asked for (fm), else the
// source's when Rendition can write it. With auto=format, which
// [Params.WithAccept] did not resolve, that format is kept only when every
// client displays it (steps 3 and 4 of the rule there); otherwise the output
// is PNG for an image with transparency and JPEG for the rest.
func outputFormat(p Params, source Format, img image.Image) Format {
	f := p.Format
	if f == "" && source.CanEncode() {
		f = source
	}
	if f != "" && (p.Auto&AutoFormat == 0 || f == JPEG || f == PNG || f == GIF) {
		return f
	}
	if !opaque(img) {
		return PNG
	}
	return JPEG
}

// FormatOf returns the format whose MIME type is contentType, among the
// formats Rendition writes (JPEG, PNG, GIF, WebP and AVIF), and whether
// there is one. Parameters after ";", surrounding spaces and case are
// ignored: FormatOf("image/PNG; q=1") is PNG.
func FormatOf(contentType string) (Format, bool) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.TrimSpace(mediaType)
	for _, f := range []Format{JPEG, PNG, GIF, WebP, AVIF} {
		if strings.EqualFold(mediaType, f.ContentType()) {
			return f, true
		}
	}
	return "", false
}
