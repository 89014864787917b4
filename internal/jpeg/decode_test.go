package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	stdjpeg "image/jpeg"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minPSNR is the lowest accepted PSNR, in dB, between a scaled decode and
// image/jpeg's full decode box-averaged by the same factor. The measured
// values on the test images are reported with -v.
var minPSNR = map[int]float64{2: 35, 4: 35, 8: 35}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// plane is one channel of an image at its own resolution.
type plane struct {
	w, h int
	pix  []byte
}

// planes returns the channels of img at their stored resolution: Gray,
// Y Cb Cr (chroma subsampled as in the image) or C M Y K.
func planes(tb testing.TB, img image.Image) []plane {
	tb.Helper()
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	// rows copies a w x h plane whose row y starts at off(y).
	rows := func(src []byte, w, h int, off func(y int) int) plane {
		p := plane{w: w, h: h, pix: make([]byte, w*h)}
		for y := 0; y < h; y++ {
			copy(p.pix[y*w:(y+1)*w], src[off(y):])
		}
		return p
	}
	switch m := img.(type) {
	case *image.Gray:
		return []plane{rows(m.Pix, w, h, func(y int) int { return m.PixOffset(r.Min.X, r.Min.Y+y) })}
	case *image.YCbCr:
		sx, sy := 1, 1
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			sx = 2
		case image.YCbCrSubsampleRatio420:
			sx, sy = 2, 2
		case image.YCbCrSubsampleRatio440:
			sy = 2
		case image.YCbCrSubsampleRatio411:
			sx = 4
		case image.YCbCrSubsampleRatio410:
			sx, sy = 4, 2
		}
		cw, ch := (w+sx-1)/sx, (h+sy-1)/sy
		yoff := func(y int) int { return m.YOffset(r.Min.X, r.Min.Y+y) }
		coff := func(y int) int { return m.COffset(r.Min.X, r.Min.Y+y*sy) }
		return []plane{rows(m.Y, w, h, yoff), rows(m.Cb, cw, ch, coff), rows(m.Cr, cw, ch, coff)}
	case *image.CMYK:
		ps := make([]plane, 4)
		for c := range ps {
			ps[c] = plane{w: w, h: h, pix: make([]byte, w*h)}
		}
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(r.Min.X, r.Min.Y+y):]
			for x := 0; x < w; x++ {
				for c := range ps {
					ps[c].pix[y*w+x] = src[4*x+c]
				}
			}
		}
		return ps
	}
	tb.Fatalf("unexpected image type %T", img)
	return nil
}

// maxDiff returns the largest per-sample difference between a and b,
// which have the same layout.
func maxDiff(a, b []plane) int {
	worst := 0
	for c := range a {
		for i, v := range a[c].pix {
			d := int(v) - int(b[c].pix[i])
			worst = max(worst, d, -d)
		}
	}
	return worst
}

// boxPSNR compares got, decoded at 1/s, with ref box-averaged by s, plane
// by plane at each plane's own resolution.
func boxPSNR(ref, got []plane, s int) float64 {
	var sse float64
	n := 0
	for c := range ref {
		r, g := ref[c], got[c]
		sum := make([]int, g.w)
		cnt := make([]int, g.w)
		for gy := 0; gy < g.h; gy++ {
			clear(sum)
			clear(cnt)
			for y := gy * s; y < min(gy*s+s, r.h); y++ {
				for x, v := range r.pix[y*r.w : (y+1)*r.w] {
					sum[x/s] += int(v)
					cnt[x/s]++
				}
			}
			for gx, v := range g.pix[gy*g.w : (gy+1)*g.w] {
				d := float64(sum[gx])/float64(cnt[gx]) - float64(v)
				sse += d * d
				n++
			}
		}
	}
	if sse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(sse/float64(n)))
}

// checkAgainstStdlib decodes data with image/jpeg and with Decode at every
// scale, and checks sizes, types, the full-size tolerance and the scaled
// PSNR.
func checkAgainstStdlib(t *testing.T, data []byte, psnr map[int]float64) {
	t.Helper()
	checkScales(t, data, psnr, 1, 2, 4, 8)
}

// checkScales is checkAgainstStdlib for the given scales only.
func checkScales(t *testing.T, data []byte, psnr map[int]float64, scales ...int) {
	t.Helper()
	refImg, err := stdjpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	ref := planes(t, refImg)
	rw, rh := refImg.Bounds().Dx(), refImg.Bounds().Dy()
	for _, s := range scales {
		img, err := Decode(data, &Options{Scale: s})
		if err != nil {
			t.Fatalf("scale %d: %v", s, err)
		}
		if got, want := fmt.Sprintf("%T", img), fmt.Sprintf("%T", refImg); got != want {
			t.Fatalf("scale %d: image type %s, want %s", s, got, want)
		}
		wantSize := image.Pt((rw+s-1)/s, (rh+s-1)/s)
		if img.Bounds() != (image.Rectangle{Max: wantSize}) {
			t.Fatalf("scale %d: bounds %v, want %v", s, img.Bounds(), wantSize)
		}
		if a, ok := img.(*image.YCbCr); ok {
			if b := refImg.(*image.YCbCr); a.SubsampleRatio != b.SubsampleRatio {
				t.Fatalf("subsample ratio %v, want %v", a.SubsampleRatio, b.SubsampleRatio)
			}
		}
		got := planes(t, img)
		if s == 1 {
			if d := maxDiff(ref, got); d > 2 {
				t.Errorf("full size: max difference %d from image/jpeg, want <= 2", d)
			}
			continue
		}
		p := boxPSNR(ref, got, s)
		t.Logf("scale 1/%d: PSNR %.1f dB", s, p)
		if psnr == nil {
			psnr = minPSNR
		}
		if p < psnr[s] {
			t.Errorf("scale 1/%d: PSNR %.1f dB, want >= %.0f", s, p, psnr[s])
		}
	}
}

// TestDecodeFiles checks the sample photos at full size and, to keep the
// test fast, each at one or two reduced scales so that every scale is
// covered for both baseline and progressive files.
func TestDecodeFiles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scales []int
	}{
		{"phone-note10-exif6.jpg", []int{1, 2}}, // baseline 4:2:0 with restart markers
		{"phone-s8-exif6.jpg", []int{1, 4, 8}},  // baseline 4:2:0
		{"sunset.jpg", []int{1, 8}},             // progressive 4:2:2
		{"seeding-cc0.jpg", []int{1, 2}},        // progressive 4:2:0
		{"friends-portrait.jpg", []int{1, 4}},   // progressive 4:2:0
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkScales(t, readTestdata(t, tc.name), nil, tc.scales...)
		})
	}
}

// testSample is a smooth pattern with some fine detail, different per
// component.
func testSample(ci, x, y int) float64 {
	v := 128 + 70*math.Sin(float64(x)*0.11+float64(ci))*math.Cos(float64(y)*0.07) +
		20*math.Sin(float64(x*y)*0.01) + float64((x*7+y*13+ci*5)%11-5)
	return math.Max(0, math.Min(255, v))
}

var synthetic = []struct {
	name  string
	img   testImage
	subs  string
	model color.Model
	// psnr overrides minPSNR when the comparison is inherently coarser.
	psnr map[int]float64
}{
	{"gray", testImage{w: 37, h: 29, comps: []testComp{{1, 1}}, adobe: -1}, "4:0:0", color.GrayModel, nil},
	{"gray-2x2-factors", testImage{w: 37, h: 29, comps: []testComp{{2, 2}}, adobe: -1}, "4:0:0", color.GrayModel, nil},
	{"444", testImage{w: 40, h: 33, comps: []testComp{{1, 1}, {1, 1}, {1, 1}}, adobe: -1}, "4:4:4", color.YCbCrModel, nil},
	{"444-1x2", testImage{w: 40, h: 33, comps: []testComp{{1, 2}, {1, 2}, {1, 2}}, adobe: -1}, "4:4:4", color.YCbCrModel, nil},
	{"422", testImage{w: 41, h: 30, comps: []testComp{{2, 1}, {1, 1}, {1, 1}}, adobe: -1}, "4:2:2", color.YCbCrModel, nil},
	{"420-restart", testImage{w: 50, h: 35, comps: []testComp{{2, 2}, {1, 1}, {1, 1}}, restart: 3, adobe: -1}, "4:2:0", color.YCbCrModel, nil},
	{"440", testImage{w: 33, h: 47, comps: []testComp{{1, 2}, {1, 1}, {1, 1}}, adobe: -1}, "4:4:0", color.YCbCrModel, nil},
	{"411", testImage{w: 70, h: 21, comps: []testComp{{4, 1}, {1, 1}, {1, 1}}, adobe: -1}, "4:1:1", color.YCbCrModel, nil},
	{"410", testImage{w: 70, h: 37, comps: []testComp{{4, 2}, {1, 1}, {1, 1}}, adobe: -1}, "4:1:0", color.YCbCrModel, nil},
	{"420-separate-scans", testImage{w: 45, h: 38, comps: []testComp{{2, 2}, {1, 1}, {1, 1}}, separate: true, adobe: -1}, "4:2:0", color.YCbCrModel, nil},
	{"cmyk", testImage{w: 30, h: 20, comps: []testComp{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, adobe: 0}, "4:4:4", color.CMYKModel, nil},
	{"ycck", testImage{w: 30, h: 20, comps: []testComp{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, adobe: 2}, "4:4:4", color.CMYKModel, nil},
	{"progressive-gray", testImage{w: 37, h: 29, comps: []testComp{{1, 1}}, progressive: true, adobe: -1}, "4:0:0", color.GrayModel, nil},
	{"progressive-420", testImage{w: 50, h: 35, comps: []testComp{{2, 2}, {1, 1}, {1, 1}}, progressive: true, adobe: -1}, "4:2:0", color.YCbCrModel, nil},
	{"progressive-444-restart", testImage{w: 40, h: 33, comps: []testComp{{1, 1}, {1, 1}, {1, 1}}, progressive: true, restart: 2, adobe: -1}, "4:4:4", color.YCbCrModel, nil},
	{"progressive-411", testImage{w: 70, h: 21, comps: []testComp{{4, 1}, {1, 1}, {1, 1}}, progressive: true, adobe: -1}, "4:1:1", color.YCbCrModel, nil},
	{"progressive-cmyk", testImage{w: 30, h: 20, comps: []testComp{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, progressive: true, adobe: 0}, "4:4:4", color.CMYKModel, nil},
	// CMYK output is interleaved at full resolution, so the reference's
	// chroma is upsampled before it is box-averaged while the scaled decode
	// upsamples chroma that is already averaged over twice the area.
	{"ycck-subsampled", testImage{w: 35, h: 21, comps: []testComp{{2, 2}, {1, 1}, {1, 1}, {2, 2}}, adobe: 2}, "2x2,1x1,1x1,2x2", color.CMYKModel,
		map[int]float64{2: 35, 4: 30, 8: 25}},
}

func TestDecodeSynthetic(t *testing.T) {
	for _, tc := range synthetic {
		t.Run(tc.name, func(t *testing.T) {
			tc.img.sample = testSample
			checkAgainstStdlib(t, tc.img.encode(), tc.psnr)
		})
	}
}

// TestSameCoefficients decodes the same coefficients coded in one
// interleaved scan, in one scan per component and progressively, with and
// without restart intervals, and requires identical output. (image/jpeg
// does not decode restart intervals in non-interleaved scans of subsampled
// components correctly, so it cannot be the reference here.)
func TestSameCoefficients(t *testing.T) {
	// Let even these small images take the parallel restart path.
	defer func(n int) { minParallelMCUs = n }(minParallelMCUs)
	minParallelMCUs = 1

	for _, comps := range [][]testComp{
		{{2, 2}, {1, 1}, {1, 1}},
		{{2, 1}, {1, 1}, {1, 1}},
		{{1, 2}, {1, 1}, {1, 1}},
		{{4, 1}, {1, 1}, {1, 1}},
		{{1, 1}, {1, 1}, {1, 1}},
	} {
		for _, v := range []struct {
			progressive bool
			restart     int
		}{{false, 0}, {false, 1}, {false, 3}, {true, 0}, {true, 1}, {true, 5}} {
			t.Run(fmt.Sprintf("%v-progressive=%v-restart%d", comps, v.progressive, v.restart), func(t *testing.T) {
				ti := testImage{w: 53, h: 38, comps: comps, adobe: -1, sample: testSample}
				want := ti.encode()
				ti.separate, ti.progressive, ti.restart = true, v.progressive, v.restart
				data := ti.encode()
				for _, s := range []int{1, 2, 4, 8} {
					a, err := Decode(want, &Options{Scale: s})
					if err != nil {
						t.Fatal(err)
					}
					b, err := Decode(data, &Options{Scale: s})
					if err != nil {
						t.Fatal(err)
					}
					if d := maxDiff(planes(t, a), planes(t, b)); d != 0 {
						t.Errorf("scale %d: max difference %d", s, d)
					}
				}
			})
		}
	}
}

// TestRestartMarkerDamage renumbers a restart marker: the parallel path
// must notice and leave the scan to the serial path, which accepts any
// RSTn, so the output is unchanged.
func TestRestartMarkerDamage(t *testing.T) {
	defer func(n int) { minParallelMCUs = n }(minParallelMCUs)
	minParallelMCUs = 1
	ti := testImage{w: 64, h: 48, comps: []testComp{{2, 2}, {1, 1}, {1, 1}}, restart: 1, adobe: -1, sample: testSample}
	data := ti.encode()
	want, err := Decode(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte{0xFF, mRST0 + 1})
	if i < 0 {
		t.Fatal("no RST1 marker")
	}
	damaged := append([]byte(nil), data...)
	damaged[i+1] = mRST0 + 5
	got, err := Decode(damaged, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(planes(t, want), planes(t, got)); d != 0 {
		t.Errorf("max difference %d", d)
	}
}

// TestDecodeStdlibEncoded decodes files written by image/jpeg, whose
// Huffman tables are the standard ones of T.81 annex K (codes up to 16
// bits). image/jpeg writes every color image as 4:2:0, whatever its input;
// the other samplings come from the test encoder in TestDecodeSynthetic.
func TestDecodeStdlibEncoded(t *testing.T) {
	const w, h = 67, 45
	gray := image.NewGray(image.Rect(0, 0, w, h))
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	ycc := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			gray.Pix[gray.PixOffset(x, y)] = uint8(testSample(0, x, y))
			rgba.Set(x, y, color.RGBA{uint8(testSample(0, x, y)), uint8(testSample(1, x, y)), uint8(testSample(2, x, y)), 255})
			ycc.Y[ycc.YOffset(x, y)] = uint8(testSample(0, x, y))
			ycc.Cb[ycc.COffset(x, y)] = uint8(testSample(1, x, y))
			ycc.Cr[ycc.COffset(x, y)] = uint8(testSample(2, x, y))
		}
	}
	for _, tc := range []struct {
		name string
		img  image.Image
	}{{"gray", gray}, {"rgba", rgba}, {"ycbcr444-input", ycc}} {
		for _, q := range []int{50, 90, 100} {
			t.Run(fmt.Sprintf("%s-q%d", tc.name, q), func(t *testing.T) {
				var buf bytes.Buffer
				if err := stdjpeg.Encode(&buf, tc.img, &stdjpeg.Options{Quality: q}); err != nil {
					t.Fatal(err)
				}
				checkAgainstStdlib(t, buf.Bytes(), nil)
			})
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	files := []struct {
		name string
		want Config
	}{
		{"phone-note10-exif6.jpg", Config{4032, 3024, 3, false, "4:2:0", color.YCbCrModel}},
		{"phone-s8-exif6.jpg", Config{4032, 3024, 3, false, "4:2:0", color.YCbCrModel}},
		{"sunset.jpg", Config{4272, 2848, 3, true, "4:2:2", color.YCbCrModel}},
		{"seeding-cc0.jpg", Config{5312, 2988, 3, true, "4:2:0", color.YCbCrModel}},
		{"friends-portrait.jpg", Config{2056, 3088, 3, true, "4:2:0", color.YCbCrModel}},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			got, err := DecodeConfig(readTestdata(t, f.name))
			if err != nil {
				t.Fatal(err)
			}
			if got != f.want {
				t.Errorf("got %+v, want %+v", got, f.want)
			}
		})
	}
	for _, tc := range synthetic {
		t.Run(tc.name, func(t *testing.T) {
			tc.img.sample = testSample
			got, err := DecodeConfig(tc.img.encode())
			if err != nil {
				t.Fatal(err)
			}
			want := Config{tc.img.w, tc.img.h, len(tc.img.comps), tc.img.progressive, tc.subs, tc.model}
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// header builds a file from SOI and the given marker segments.
func header(segs ...[]byte) []byte {
	out := []byte{0xFF, mSOI}
	for _, s := range segs {
		out = append(out, s...)
	}
	return out
}

func seg(marker byte, payload ...byte) []byte {
	return segment(nil, marker, payload)
}

// sof returns a frame header with 8x8 pixels and the given components as
// (id, sampling byte) pairs.
func sof(marker, precision byte, comps ...byte) []byte {
	p := []byte{precision, 0, 8, 0, 8, byte(len(comps) / 2)}
	for i := 0; i < len(comps); i += 2 {
		p = append(p, comps[i], comps[i+1], 0)
	}
	return seg(marker, p...)
}

func TestUnsupported(t *testing.T) {
	ycc := []byte{1, 0x11, 2, 0x11, 3, 0x11}
	// A complete file whose only problem is its color interpretation or
	// sampling, so that Decode fails on that and not on missing data.
	withScan := func(adobe int, comps []testComp) []byte {
		ti := testImage{w: 16, h: 16, comps: comps, adobe: adobe, sample: testSample}
		return ti.encode()
	}
	tests := []struct {
		name   string
		data   []byte
		reason string
	}{
		{"lossless", header(sof(mSOF3, 8, ycc...)), "lossless"},
		{"arithmetic", header(sof(0xC9, 8, ycc...)), "arithmetic"},
		{"arithmetic-progressive", header(sof(0xCA, 8, ycc...)), "arithmetic"},
		{"arithmetic-conditioning", header(seg(mDAC, 0x00, 0x10)), "arithmetic"},
		{"hierarchical", header(sof(0xC5, 8, ycc...)), "hierarchical"},
		{"12-bit", header(sof(mSOF1, 12, ycc...)), "12-bit"},
		{"12-bit-progressive", header(sof(mSOF2, 12, ycc...)), "12-bit"},
		{"two-components", header(sof(mSOF0, 8, 1, 0x11, 2, 0x11)), "2 color components"},
		{"dnl-height", header(seg(mSOF0, 8, 0, 0, 0, 8, 1, 1, 0x11, 0)), "DNL"},
		{"cmyk-without-adobe", withScan(-1, []testComp{{1, 1}, {1, 1}, {1, 1}, {1, 1}}), "Adobe"},
		{"rgb-adobe-transform-0", withScan(0, []testComp{{1, 1}, {1, 1}, {1, 1}}), "RGB"},
		{"chroma-larger-than-luma", withScan(-1, []testComp{{1, 1}, {2, 2}, {2, 2}}), "sampling factors"},
		{"cb-cr-differ", withScan(-1, []testComp{{2, 2}, {1, 1}, {2, 1}}), "sampling factors"},
		{"3x1-luma", withScan(-1, []testComp{{3, 1}, {1, 1}, {1, 1}}), "sampling factors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.data, nil)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Decode error %v, want ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("Decode error %q does not mention %q", err, tc.reason)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	good := readTestdata(t, "friends-portrait.jpg")
	baseline := testImage{w: 40, h: 40, comps: []testComp{{2, 2}, {1, 1}, {1, 1}}, adobe: -1, sample: testSample}.encode()
	sosAt := bytes.Index(baseline, []byte{0xFF, mSOS})
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"no-soi", []byte{0xFF, 0xD9}},
		{"only-soi", []byte{0xFF, mSOI}},
		{"eoi-before-sof", header([]byte{0xFF, mEOI})},
		{"no-scan", header(sof(mSOF0, 8, 1, 0x11), []byte{0xFF, mEOI})},
		{"sos-before-sof", header(seg(mSOS, 1, 1, 0, 0, 63, 0))},
		{"short-segment", []byte{0xFF, mSOI, 0xFF, mDQT, 0x00}},
		{"segment-past-end", []byte{0xFF, mSOI, 0xFF, mDQT, 0x01, 0x00, 0x00}},
		{"bad-length", []byte{0xFF, mSOI, 0xFF, mDQT, 0x00, 0x01}},
		{"zero-width", header(seg(mSOF0, 8, 0, 8, 0, 0, 1, 1, 0x11, 0))},
		{"bad-sampling", header(sof(mSOF0, 8, 1, 0x51))},
		{"zero-sampling", header(sof(mSOF0, 8, 1, 0x10))},
		{"duplicate-component", header(sof(mSOF0, 8, 1, 0x11, 1, 0x11, 2, 0x11))},
		{"two-frames", header(sof(mSOF0, 8, 1, 0x11), sof(mSOF0, 8, 1, 0x11))},
		{"bad-dqt", header(seg(mDQT, 0x24))},
		{"short-dht", header(seg(mDHT, 0x00, 1, 2, 3))},
		{"overfull-dht", header(seg(mDHT, append([]byte{0x00, 3}, make([]byte, 18)...)...))},
		{"scan-unknown-component", header(sof(mSOF0, 8, 1, 0x11), seg(mSOS, 1, 9, 0, 0, 63, 0))},
		{"scan-undefined-table", header(sof(mSOF0, 8, 1, 0x11), seg(mSOS, 1, 1, 0, 0, 63, 0), []byte{0, 0xFF, mEOI})},
		{"truncated-baseline-header", baseline[:sosAt+6]},
		{"truncated-baseline-scan", baseline[:len(baseline)-40]},
		{"truncated-progressive", good[:len(good)/2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(tc.data, nil)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode = %T, %v; want an ErrFormat error", img, err)
			}
			if img != nil {
				t.Errorf("Decode returned an image with error %v", err)
			}
		})
	}
}

func TestDecodeConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"no-soi", []byte{0xFF, mEOI}, ErrFormat},
		{"no-sof", header([]byte{0xFF, mEOI}), ErrFormat},
		{"segment-past-end", []byte{0xFF, mSOI, 0xFF, mAPP0, 0x10, 0x00, 'J'}, ErrFormat},
		{"bad-sampling", header(sof(mSOF0, 8, 1, 0x05)), ErrFormat},
		{"lossless", header(sof(mSOF3, 8, 1, 0x11)), ErrUnsupported},
		{"12-bit", header(sof(mSOF1, 12, 1, 0x11)), ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeConfig(tc.data); !errors.Is(err, tc.want) {
				t.Errorf("DecodeConfig error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTooManyScans(t *testing.T) {
	data := testImage{w: 16, h: 16, comps: []testComp{{1, 1}}, progressive: true, adobe: -1, sample: testSample}.encode()
	// Repeat the DC refinement scan (Ss = 0, Ah = 1), which stays valid
	// however often it is applied.
	var scan []byte
	for i := 0; i+1 < len(data); i++ {
		if data[i] == 0xFF && data[i+1] == mSOS {
			hdr := data[i+2:]
			ns := int(hdr[2])
			if p := hdr[3+2*ns:]; p[0] == 0 && p[2]>>4 == 1 {
				next := bytes.Index(data[i+2:], []byte{0xFF, mSOS})
				scan = data[i : i+2+next]
			}
		}
	}
	if scan == nil {
		t.Fatal("no DC refinement scan")
	}
	repeat := func(n int) []byte {
		out := append([]byte(nil), data[:len(data)-2]...)
		for i := 0; i < n; i++ {
			out = append(out, scan...)
		}
		return append(out, 0xFF, mEOI)
	}
	if _, err := Decode(repeat(20), nil); err != nil {
		t.Errorf("Decode with 20 extra scans: %v", err)
	}
	if _, err := Decode(repeat(maxScans), nil); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "scans") {
		t.Errorf("Decode error %v, want ErrUnsupported for too many scans", err)
	}
}

func TestInvalidScale(t *testing.T) {
	data := testImage{w: 8, h: 8, comps: []testComp{{1, 1}}, adobe: -1, sample: testSample}.encode()
	for _, s := range []int{-1, 3, 16} {
		if _, err := Decode(data, &Options{Scale: s}); err == nil {
			t.Errorf("Scale %d: no error", s)
		}
	}
	for _, s := range []int{0, 1} {
		img, err := Decode(data, &Options{Scale: s})
		if err != nil || img.Bounds().Dx() != 8 {
			t.Errorf("Scale %d: %v, %v", s, img.Bounds(), err)
		}
	}
}

// TestEarlyMarker checks that a marker inside entropy-coded data ends the
// scan without an error, keeping the blocks decoded before it.
func TestEarlyMarker(t *testing.T) {
	data := testImage{w: 64, h: 64, comps: []testComp{{1, 1}}, adobe: -1, sample: testSample}.encode()
	full, err := Decode(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	sos := bytes.Index(data, []byte{0xFF, mSOS})
	start := sos + 2 + be16(data[sos+2:])
	cut := append(append([]byte{}, data[:start+400]...), 0xFF, mEOI)
	img, err := Decode(cut, nil)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, 64, 64) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	// The first block is well inside the 400 bytes kept.
	a, b := full.(*image.Gray), img.(*image.Gray)
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if a.GrayAt(x, y) != b.GrayAt(x, y) {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, b.GrayAt(x, y), a.GrayAt(x, y))
			}
		}
	}
}

func TestScaleFor(t *testing.T) {
	tests := []struct {
		srcW, srcH, dstW, dstH, want int
	}{
		{4032, 3024, 200, 150, 8},  // 504x378 >= 400x300
		{4032, 3024, 300, 0, 4},    // 504 < 600, 1008 >= 600
		{4032, 3024, 0, 300, 4},    // 378 < 600, 756 >= 600
		{4032, 3024, 1000, 750, 2}, // 2016x1512 >= 2000x1500
		{4032, 3024, 1100, 100, 1}, // 2016 < 2200
		{4032, 3024, 4032, 3024, 1},
		{100, 100, 400, 400, 1}, // upscaling
		{4032, 3024, 0, 0, 1},   // unconstrained
		{16, 16, 1, 1, 8},
		{17, 17, 1, 1, 8}, // ceil(17/8) = 3 >= 2
		{15, 15, 1, 1, 8}, // ceil(15/8) = 2 >= 2
		{15, 15, 2, 2, 4}, // ceil(15/4) = 4 >= 4
		{0, 0, 10, 10, 1},
	}
	for _, tc := range tests {
		if got := ScaleFor(tc.srcW, tc.srcH, tc.dstW, tc.dstH); got != tc.want {
			t.Errorf("ScaleFor(%d, %d, %d, %d) = %d, want %d", tc.srcW, tc.srcH, tc.dstW, tc.dstH, got, tc.want)
		}
	}
}

// TestIDCT compares the integer transforms with the floating-point
// definition on random coefficient blocks.
func TestIDCT(t *testing.T) {
	seed := uint32(1)
	rnd := func(n int32) int32 {
		seed = seed*1664525 + 1013904223
		return int32(seed>>8)%(2*n+1) - n
	}
	for iter := 0; iter < 500; iter++ {
		var blk [64]int32
		var f [64]float64
		for i := range blk {
			amp := int32(600) >> (i/8 + i%8) // mostly low frequencies
			blk[i] = rnd(amp + 2)
			if i == 0 {
				blk[i] = rnd(1000)
			}
			f[i] = float64(blk[i])
		}
		for _, n := range []int{8, 4, 2} {
			b := blk
			dst := make([]byte, 8*8)
			var ones [64]int32
			for i := range ones {
				ones[i] = 1
			}
			switch n {
			case 8:
				idct8(&b, &ones, dst, 8)
			case 4:
				idct4(&b, &ones, dst, 8)
			case 2:
				idct2(&b, &ones, dst, 8)
			}
			s := float64(8 / n)
			var g [64]float64
			for v := 0; v < n; v++ {
				for u := 0; u < n; u++ {
					g[v*8+u] = f[v*8+u]
				}
			}
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					// The reduced transform evaluates the truncated series
					// at the centre of the s x s group of full-size samples.
					c := (s - 1) / 2
					want := math.Max(0, math.Min(255, math.Round(idctRef(&g, float64(x)*s+c, float64(y)*s+c)+128)))
					if d := math.Abs(float64(dst[y*8+x]) - want); d > 1 {
						t.Fatalf("n=%d iter %d (%d,%d): got %d, want %v", n, iter, x, y, dst[y*8+x], want)
					}
				}
			}
		}
	}
}
