package transform

import (
	"fmt"
	"image"
	"image/draw"
	"io"
	"sync"

	"github.com/gen2brain/avif"
)

// AVIF is written by github.com/gen2brain/avif: libavif with libaom, compiled
// to WebAssembly and run by the wazero runtime, so no cgo and no system
// library is needed. (If a libavif.so of version 1.1 or later can be loaded
// when the process starts, the package uses it instead; building with
// -tags nodynamic rules that out.)
//
// The WebAssembly module is compiled once per process, on the first encode;
// that takes seconds (see WarmUpAVIF). Each encode then runs in a fresh
// instance of the compiled module, with its own memory, so encodes are safe
// to run concurrently and need no lock here; each uses one core. That memory
// is allocated afresh for every encode: about 140 MB over a 1200x900 encode
// (300 MB lossless), so the number of concurrent renders bounds what AVIF
// needs.

// avifSpeed is libaom's speed preset, 0 (slowest, smallest files) to 10
// (fastest). Encoding runs while a client waits, so the fastest preset is
// used: on a 1200x900 photograph (BenchmarkEncodeAVIF), speed 8 took twice
// as long for a file under 1% smaller, and speed 6 eight times as long for
// one 11% smaller.
const avifSpeed = 10

// avifQuality maps Rendition's quality (1..100, the scale of JPEG and WebP) to
// libavif's (0..100, where 100 is a lossless quantiser), so that a q gives
// about the fidelity it gives in WebP for fewer bytes. The anchors were
// matched by PSNR on a 1200x900 photograph at the encoder's speed: WebP's
// q=45, 75 and 90 are as close to the original as libavif's 35, 45 and 70
// (in files about a quarter smaller). Between anchors the map is linear; q=100
// gives 80, never the lossless quantiser, which lossless=1 asks for.
func avifQuality(q int) int {
	anchors := [...]struct{ q, avif int }{{0, 0}, {45, 35}, {75, 45}, {90, 70}, {100, 80}}
	q = min(max(q, 1), 100)
	for i := 1; i < len(anchors); i++ {
		lo, hi := anchors[i-1], anchors[i]
		if q <= hi.q {
			dq := hi.q - lo.q
			return max(1, lo.avif+((q-lo.q)*(hi.avif-lo.avif)+dq/2)/dq)
		}
	}
	return anchors[len(anchors)-1].avif
}

// encodeAVIF writes img as a single-frame, 8-bit AVIF. Lossy files use 4:2:0
// chroma subsampling. Lossless files use 4:4:4 with the identity matrix, so
// opaque images round-trip exactly; the encoder takes premultiplied pixels,
// so the colour of partly transparent pixels may be rounded.
func encodeAVIF(w io.Writer, img image.Image, opt EncodeOptions) (err error) {
	m := avifInput(img)
	q := avifQuality(opt.Quality)
	ao := avif.Options{
		Quality:           q,
		QualityAlpha:      q,
		Speed:             avifSpeed,
		ChromaSubsampling: image.YCbCrSubsampleRatio420,
		Lossless:          opt.Lossless,
	}
	defer func() {
		// The package panics when its WebAssembly module cannot be
		// compiled; report that as an error rather than crash.
		if r := recover(); r != nil {
			err = fmt.Errorf("avif encoder panic: %v", r)
		}
	}()
	return avif.Encode(w, m, ao)
}

// avifInput returns img as an *image.RGBA with bounds starting at (0, 0) and
// no padding between rows: the encoder copies Pix as one block of
// width × height × 4 bytes of premultiplied RGBA.
func avifInput(img image.Image) *image.RGBA {
	b := img.Bounds()
	if m, ok := img.(*image.RGBA); ok && b.Min == (image.Point{}) && m.Stride == 4*b.Dx() {
		return m
	}
	if m, ok := img.(*image.YCbCr); ok {
		return ycbcrToRGBA(m)
	}
	d := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	// draw has fast paths from *image.RGBA, *image.NRGBA (premultiplying),
	// *image.Gray and *image.CMYK.
	draw.Draw(d, d.Rect, img, b.Min, draw.Src)
	return d
}

// warmUpAVIF encodes a tiny image once per process, which compiles the
// WebAssembly module.
var warmUpAVIF = sync.OnceValue(func() error {
	return encodeAVIF(io.Discard, image.NewGray(image.Rect(0, 0, 8, 8)), EncodeOptions{Quality: defaultQuality})
})

// WarmUpAVIF prepares the AVIF encoder: the first AVIF encode in a process
// compiles the encoder's WebAssembly module, which takes one to a few
// seconds (over ten under the race detector). A server that enables AVIF can call
// WarmUpAVIF once at start-up, typically in its own goroutine, so that no
// request pays for it. Later calls return at once with the first call's
// result. It reports an error if the encoder cannot run on this machine.
// WarmUpAVIF is safe for concurrent use.
func WarmUpAVIF() error {
	if err := warmUpAVIF(); err != nil {
		return fmt.Errorf("transform: AVIF encoder: %w", err)
	}
	return nil
}
