//go:build !cgo

package transform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/gen2brain/webp"
)

// Without cgo, WebP is read and written by github.com/gen2brain/webp:
// libwebp 1.4.0 compiled to WebAssembly and run by the wazero runtime, the
// same libwebp version the cgo build compiles, so both builds write the same
// files and decode to the same pixels. Build with -tags nodynamic: without
// it, the package loads the system's libwebp shared library at start-up when
// there is one (the binary is dynamically linked even without cgo, through
// purego) and uses that, whatever its version, instead of the WebAssembly.
// The module is compiled once per process, on the first use (about a
// second), and each call runs in a fresh instance with its own memory, so
// calls are safe to run concurrently.

// webpCodec names the WebP implementation of this build.
const webpCodec = "libwebp-wasm"

// encodeWebPLib writes m, an *image.Gray or an *image.RGBA holding straight
// alpha, as WebP: lossy at opt.Quality with libwebp's default method (4), or
// lossless at libwebp's highest effort (quality 100, method 4), as the cgo
// build does.
func encodeWebPLib(w io.Writer, m image.Image, opt EncodeOptions) (err error) {
	var rgba *image.RGBA
	switch s := m.(type) {
	case *image.RGBA:
		rgba = packedRGBA(s)
	default:
		rgba = straightRGBA(toNRGBA(m))
	}
	o := webp.Options{Quality: opt.Quality, Method: 4}
	if opt.Lossless {
		o = webp.Options{Quality: 100, Method: 4, Lossless: true}
	}
	defer func() {
		// The package panics when its WebAssembly module cannot be
		// compiled; report that as an error rather than crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("webp encoder panic: %v", r)
		}
	}()
	return webp.Encode(w, rgba, o)
}

// packedRGBA returns m, or a copy of it, with rows packed one after the
// other from the start of Pix, as the encoder reads them.
func packedRGBA(m *image.RGBA) *image.RGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	if m.Stride == 4*w && len(m.Pix) == 4*w*h {
		return m
	}
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(d.Pix[y*d.Stride:(y+1)*d.Stride], m.Pix[y*m.Stride:])
	}
	return d
}

// decodeWebP decodes a still WebP with libwebp into an *image.RGBA
// (premultiplied). The caller has read the header and refused animations.
func decodeWebP(data []byte) (image.Image, error) {
	// libwebp's animation decoder, the one way the package returns RGBA
	// rather than 4:2:0 YCbCr, reads the whole container: refuse a file
	// shorter than its RIFF header declares before it starts.
	if len(data) < 12 {
		return nil, errors.New("truncated RIFF header")
	}
	if n := uint64(binary.LittleEndian.Uint32(data[4:8])) + 8; n > uint64(len(data)) {
		return nil, fmt.Errorf("truncated: %d of the %d bytes the RIFF header declares", len(data), n)
	}
	all, err := webp.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if len(all.Image) != 1 {
		return nil, fmt.Errorf("%d frames in a still image", len(all.Image))
	}
	m, ok := all.Image[0].(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("decoder returned %T", all.Image[0])
	}
	// m.Pix is a view of the instance's whole memory, several times the
	// image's size: copy the pixels out so that memory can be freed.
	m.Pix = bytes.Clone(m.Pix[:4*m.Rect.Dx()*m.Rect.Dy()])
	return m, nil
}
