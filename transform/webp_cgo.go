//go:build cgo

package transform

import (
	"fmt"
	"image"
	"io"

	"github.com/chai2010/webp"
)

// With cgo, WebP is read and written by github.com/chai2010/webp, which
// compiles the libwebp 1.4.0 sources it bundles with the package; no system
// library is used. Without cgo, webp_nocgo.go runs the same libwebp
// version compiled to WebAssembly.

// webpCodec names the WebP implementation of this build.
const webpCodec = "libwebp-cgo"

// encodeWebPLib writes m, an *image.Gray or an *image.RGBA holding straight
// alpha, as WebP: lossy at opt.Quality with libwebp's default method (4), or
// lossless at libwebp's highest effort (quality 100, method 4).
func encodeWebPLib(w io.Writer, m image.Image, opt EncodeOptions) (err error) {
	defer func() {
		// The package panics on image types it does not expect.
		if r := recover(); r != nil {
			err = fmt.Errorf("webp encoder panic: %v", r)
		}
	}()
	return webp.Encode(w, m, &webp.Options{Lossless: opt.Lossless, Quality: float32(opt.Quality)})
}

// decodeWebP decodes a still WebP with libwebp into an *image.RGBA
// (premultiplied, as the type requires). The caller has read the header.
func decodeWebP(data []byte) (image.Image, error) {
	_, _, alpha, err := webp.GetInfo(data)
	if err != nil {
		return nil, err
	}
	m, err := webp.DecodeRGBA(data) // straight alpha
	if err != nil {
		return nil, err
	}
	if alpha {
		premultiply(m.Pix)
	}
	return m, nil
}
