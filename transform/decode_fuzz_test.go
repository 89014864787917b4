package transform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// fuzzLimits keep each fuzzed decode small and fast.
var fuzzLimits = Limits{MaxSourcePixels: 1 << 20, MaxSourceSide: 4096, MaxSourceBytes: 1 << 20, MaxFrames: 50}

// FuzzDecode checks that no input makes Decode panic, that every failure is
// one of the package's errors, and that a decoded image has exactly the size
// its header declares.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{
		"phone-note10-exif6.jpg", "friends-portrait.jpg", "dice-alpha.png",
		"animated-8f.gif", "dice-lossy-alpha.webp", "photo-lossy.webp",
	} {
		data := readTestdata(f, name)
		f.Add(data[:min(len(data), 4096)])
	}
	small := checkerNRGBA(9, 7)
	small.Pix[3] = 0 // one transparent pixel
	encoders := []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return jpeg.Encode(b, small, nil) },
		func(b *bytes.Buffer) error { return png.Encode(b, small) },
		func(b *bytes.Buffer) error { return gif.Encode(b, small, nil) },
		func(b *bytes.Buffer) error { return Encode(b, small, WebP, &EncodeOptions{Lossless: true}) },
		func(b *bytes.Buffer) error { return Encode(b, small, WebP, &EncodeOptions{Quality: 50}) },
		func(b *bytes.Buffer) error { return bmp.Encode(b, small) },
		func(b *bytes.Buffer) error { return tiff.Encode(b, small, nil) },
		func(b *bytes.Buffer) error {
			return tiff.Encode(b, small, &tiff.Options{Compression: tiff.Deflate, Predictor: true})
		},
		func(b *bytes.Buffer) error {
			pal := color.Palette{color.Black, color.White}
			g := &gif.GIF{Config: image.Config{Width: 6, Height: 6, ColorModel: pal}}
			for range 3 {
				g.Image = append(g.Image, image.NewPaletted(image.Rect(1, 1, 4, 5), pal))
				g.Delay = append(g.Delay, 5)
			}
			return gif.EncodeAll(b, g)
		},
	}
	for _, enc := range encoders {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add(jpegWithEXIF(f, tiffBlock(binary.BigEndian, 3, 8)))
	f.Add(pngWithEXIF(f, tiffBlock(binary.LittleEndian, 3, 5)))
	f.Add(webpWithEXIF(f, tiffBlock(binary.LittleEndian, 4, 7)))
	f.Add(animatedWebP())
	f.Add(pngHeader(5000, 5000))

	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, cerr := DecodeConfig(data)
		img, dcfg, err := Decode(data, fuzzLimits)
		if err != nil {
			if !errors.Is(err, ErrDecode) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrUnknownFormat) {
				t.Fatalf("Decode error %v is none of the package's", err)
			}
			return
		}
		if cerr != nil {
			t.Fatalf("Decode succeeded where DecodeConfig failed: %v", cerr)
		}
		if dcfg != cfg {
			t.Errorf("Decode config %+v, DecodeConfig %+v", dcfg, cfg)
		}
		if cfg.Orientation < 1 || cfg.Orientation > 8 || cfg.Frames < 1 {
			t.Errorf("config out of range: %+v", cfg)
		}
		if got := img.Bounds(); got.Dx() != cfg.Width || got.Dy() != cfg.Height {
			t.Fatalf("decoded %v, header says %dx%d", got, cfg.Width, cfg.Height)
		}
		// Whatever decodes can be turned upright.
		if o := Orient(img, cfg.Orientation); o.Bounds().Dx()*o.Bounds().Dy() != cfg.Width*cfg.Height {
			t.Errorf("oriented image has bounds %v", o.Bounds())
		}
	})
}
