package resample

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// The filters of the transform package, restated here so that this package
// stays a leaf.
var filters = []struct {
	name string
	f    Filter
}{
	{"lanczos3", Filter{3, func(x float64) float64 { return lanczos(x, 3) }}},
	{"lanczos2", Filter{2, func(x float64) float64 { return lanczos(x, 2) }}},
	{"catmullrom", Filter{2, func(x float64) float64 { return cubic(math.Abs(x), 0, 0.5) }}},
	{"mitchell", Filter{2, func(x float64) float64 { return cubic(math.Abs(x), 1.0/3, 1.0/3) }}},
	{"linear", Filter{1, func(x float64) float64 { return max(0, 1-math.Abs(x)) }}},
	{"box", Filter{0.5, func(x float64) float64 {
		if math.Abs(x) <= 0.5 {
			return 1
		}
		return 0
	}}},
	{"nearest", Filter{}},
}

var lanczos3 = filters[0].f

func lanczos(x, a float64) float64 {
	x = math.Abs(x)
	if x >= a {
		return 0
	}
	return sinc(x) * sinc(x/a)
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

func cubic(x, b, c float64) float64 {
	switch {
	case x < 1:
		return ((12-9*b-6*c)*x*x*x + (-18+12*b+6*c)*x*x + (6 - 2*b)) / 6
	case x < 2:
		return ((-b-6*c)*x*x*x + (6*b+30*c)*x*x + (-12*b-48*c)*x + (8*b + 24*c)) / 6
	}
	return 0
}

// The reference: a direct float64 evaluation of the separable filter,
// written from the definitions rather than from the fast code.

// refMatrix returns, for each of dstLen outputs, the normalised weight of
// every one of srcLen inputs. pos(i) is the centre of output i and at(j) the
// centre of input j, both in a common coordinate; unit is the size of one
// input sample in that coordinate and scale the reduction ratio.
func refMatrix(srcLen, dstLen int, pos, at func(int) float64, unit, scale float64, f Filter) [][]float64 {
	m := make([][]float64, dstLen)
	fs := max(scale, 1)
	identity := srcLen == dstLen
	for i := range dstLen {
		identity = identity && math.Abs(pos(i)-at(i)) < 1e-9
	}
	for i := range m {
		m[i] = make([]float64, srcLen)
		c := pos(i)
		if identity {
			// Resizing to the same size copies.
			m[i][i] = 1
			continue
		}
		if f.At == nil {
			m[i][nearestRef(c, srcLen, at, unit)] = 1
			continue
		}
		sum := 0.0
		for j := range srcLen {
			x := (at(j) - c) / unit / fs
			if math.Abs(x) <= f.Support {
				m[i][j] = f.At(x)
				sum += m[i][j]
			}
		}
		for j := range m[i] {
			m[i][j] /= sum
		}
	}
	return m
}

// nearestRef returns the input whose extent contains c.
func nearestRef(c float64, srcLen int, at func(int) float64, unit float64) int {
	for j := range srcLen {
		if c < at(j)+unit/2 {
			return j
		}
	}
	return srcLen - 1
}

// refPlane filters a plane of c channels (row-major floats) with the
// matrices mx (columns) and my (rows).
func refPlane(src []float64, sw, sh, c int, mx, my [][]float64) []float64 {
	dw, dh := len(mx), len(my)
	// Only the non-zero weights matter: find their extent once.
	extent := func(m [][]float64) [][2]int {
		e := make([][2]int, len(m))
		for i, row := range m {
			lo, hi := len(row), 0
			for j, w := range row {
				if w != 0 {
					lo, hi = min(lo, j), j+1
				}
			}
			e[i] = [2]int{lo, max(lo, hi)}
		}
		return e
	}
	ex, ey := extent(mx), extent(my)
	tmp := make([]float64, sh*dw*c)
	for y := range sh {
		for x := range dw {
			for k := range c {
				s := 0.0
				for j := ex[x][0]; j < ex[x][1]; j++ {
					s += mx[x][j] * src[(y*sw+j)*c+k]
				}
				tmp[(y*dw+x)*c+k] = s
			}
		}
	}
	dst := make([]float64, dh*dw*c)
	for y := range dh {
		for x := range dw {
			for k := range c {
				s := 0.0
				for j := ey[y][0]; j < ey[y][1]; j++ {
					s += my[y][j] * tmp[(j*dw+x)*c+k]
				}
				dst[(y*dw+x)*c+k] = s
			}
		}
	}
	return dst
}

// simpleMatrices are the matrices for a plane whose samples are pixels.
func simpleMatrices(sw, sh, dw, dh int, f Filter) (mx, my [][]float64) {
	axis := func(s, d int) [][]float64 {
		scale := float64(s) / float64(d)
		return refMatrix(s, d,
			func(i int) float64 { return (float64(i) + 0.5) * scale },
			func(j int) float64 { return float64(j) + 0.5 }, 1, scale, f)
	}
	return axis(sw, dw), axis(sh, dh)
}

func round8(v float64) float64 { return min(max(math.Round(v), 0), 255) }

// refRGBA is the reference for 4-channel images: premultiplied colour,
// clamped to alpha.
func refRGBA(src image.Image, w, h int, f Filter) []float64 {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	in := make([]float64, sw*sh*4)
	_, exact := src.(*image.NRGBA)
	for y := range sh {
		for x := range sw {
			c := color.RGBAModel.Convert(src.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
			if n, ok := src.At(b.Min.X+x, b.Min.Y+y).(color.NRGBA); ok && exact {
				// Premultiply exactly.
				a := float64(n.A) / 255
				i := (y*sw + x) * 4
				in[i], in[i+1], in[i+2], in[i+3] = float64(n.R)*a, float64(n.G)*a, float64(n.B)*a, float64(n.A)
				continue
			}
			i := (y*sw + x) * 4
			in[i], in[i+1], in[i+2], in[i+3] = float64(c.R), float64(c.G), float64(c.B), float64(c.A)
		}
	}
	mx, my := simpleMatrices(sw, sh, w, h, f)
	out := refPlane(in, sw, sh, 4, mx, my)
	for i := 0; i < len(out); i += 4 {
		a := round8(out[i+3])
		out[i+3] = a
		for k := range 3 {
			out[i+k] = min(round8(out[i+k]), a)
		}
	}
	return out
}

// premultiplied returns the premultiplied 8-bit RGBA samples of img as
// floats; for NRGBA the products are rounded.
func premultiplied(img image.Image) []float64 {
	b := img.Bounds()
	out := make([]float64, 0, b.Dx()*b.Dy()*4)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if n, ok := img.At(x, y).(color.NRGBA); ok {
				a := float64(n.A) / 255
				out = append(out, math.Round(float64(n.R)*a), math.Round(float64(n.G)*a), math.Round(float64(n.B)*a), float64(n.A))
				continue
			}
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			out = append(out, float64(c.R), float64(c.G), float64(c.B), float64(c.A))
		}
	}
	return out
}

// refGray is the reference for gray images.
func refGray(src *image.Gray, w, h int, f Filter) []float64 {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	in := make([]float64, 0, sw*sh)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			in = append(in, float64(src.GrayAt(x, y).Y))
		}
	}
	mx, my := simpleMatrices(sw, sh, w, h, f)
	out := refPlane(in, sw, sh, 1, mx, my)
	for i := range out {
		out[i] = round8(out[i])
	}
	return out
}

// refYCbCr returns the reference Y, Cb and Cr planes. Chroma sample J of the
// full image covers luma [fx*J, fx*(J+1)); output chroma sample i covers
// output luma [fx*i, fx*(i+1)), mapped into the source by the luma ratio.
func refYCbCr(src *image.YCbCr, w, h int, f Filter) [3][]float64 {
	b := src.Rect
	fx, fy := subsampling(src.SubsampleRatio)
	sx := float64(b.Dx()) / float64(w)
	sy := float64(b.Dy()) / float64(h)
	var out [3][]float64

	var y []float64
	for j := b.Min.Y; j < b.Max.Y; j++ {
		for i := b.Min.X; i < b.Max.X; i++ {
			y = append(y, float64(src.Y[src.YOffset(i, j)]))
		}
	}
	mx, my := simpleMatrices(b.Dx(), b.Dy(), w, h, f)
	out[0] = refPlane(y, b.Dx(), b.Dy(), 1, mx, my)

	cx0, cx1 := b.Min.X/fx, (b.Max.X-1)/fx+1
	cy0, cy1 := b.Min.Y/fy, (b.Max.Y-1)/fy+1
	cw, ch := cx1-cx0, cy1-cy0
	dcw, dch := (w+fx-1)/fx, (h+fy-1)/fy
	// In chroma samples, output chroma i is centred at (i+0.5)*s source luma
	// pixels from the image's first luma column (fx*i+fx/2 output luma
	// pixels, times s/fx chroma samples per luma pixel), and that column is
	// b.Min.X/fx-cx0 chroma samples into the first chroma sample.
	axis := func(n0, n, d, fac, min0 int, scale float64) [][]float64 {
		off := float64(min0)/float64(fac) - float64(n0)
		return refMatrix(n, d,
			func(i int) float64 { return (float64(i)+0.5)*scale + off },
			func(j int) float64 { return float64(j) + 0.5 }, 1, scale, f)
	}
	cmx := axis(cx0, cw, dcw, fx, b.Min.X, sx)
	cmy := axis(cy0, ch, dch, fy, b.Min.Y, sy)
	for k, pl := range [][]byte{src.Cb, src.Cr} {
		var c []float64
		for j := cy0; j < cy1; j++ {
			for i := cx0; i < cx1; i++ {
				// The sample at chroma (i, j) is the one COffset gives for
				// a luma pixel it covers inside the image.
				lx := min(max(fx*i, b.Min.X), b.Max.X-1)
				ly := min(max(fy*j, b.Min.Y), b.Max.Y-1)
				c = append(c, float64(pl[src.COffset(lx, ly)]))
			}
		}
		out[k+1] = refPlane(c, cw, ch, 1, cmx, cmy)
	}
	for _, p := range out {
		for i := range p {
			p[i] = round8(p[i])
		}
	}
	return out
}

// compare fails t if got and want differ by more than tol anywhere.
func compare(t *testing.T, what string, got []byte, stride, w, h, c int, want []float64, tol float64) {
	t.Helper()
	worst, wx, wy := 0.0, 0, 0
	for y := range h {
		for x := range w * c {
			d := math.Abs(float64(got[y*stride+x]) - want[y*w*c+x])
			if d > worst {
				worst, wx, wy = d, x/c, y
			}
		}
	}
	if worst > tol {
		t.Errorf("%s: differs from the reference by %v at (%d, %d)", what, worst, wx, wy)
	}
}

var photos struct {
	once sync.Once
	imgs []*image.YCbCr
	err  error
}

// photoCrops returns crops of the sample photos, with odd offsets so that
// the chroma planes are not aligned with the crop.
func photoCrops(t *testing.T, w, h int) []*image.YCbCr {
	t.Helper()
	photos.once.Do(func() {
		names, err := filepath.Glob("../../testdata/*.jpg")
		if err == nil && len(names) == 0 {
			err = fmt.Errorf("no photos in ../../testdata")
		}
		for _, name := range names {
			f, err2 := os.Open(name)
			if err2 != nil {
				err = err2
				return
			}
			img, err2 := jpeg.Decode(f)
			f.Close()
			if err2 != nil {
				err = fmt.Errorf("%s: %w", name, err2)
				return
			}
			yc, ok := img.(*image.YCbCr)
			if !ok {
				err = fmt.Errorf("%s: decoded as %T", name, img)
				return
			}
			photos.imgs = append(photos.imgs, yc)
		}
	})
	if photos.err != nil {
		t.Fatal(photos.err)
	}
	var out []*image.YCbCr
	for _, p := range photos.imgs {
		b := p.Bounds()
		r := image.Rect(0, 0, w, h).Add(b.Min.Add(image.Pt(b.Dx()/3+1, b.Dy()/2+1)))
		out = append(out, p.SubImage(r).(*image.YCbCr))
	}
	return out
}

func toRGBA(src image.Image) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, src.At(x, y))
		}
	}
	return dst
}

func toNRGBA(src image.Image) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, src.At(x, y))
		}
	}
	return dst
}

func toGray(src image.Image) *image.Gray {
	b := src.Bounds()
	dst := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(x, y, src.At(x, y))
		}
	}
	return dst
}

// check resizes src with f and compares the result with the reference.
// check resizes src with f, letting the planner choose the order of the
// passes and then forcing each order, and compares every result with the
// reference.
func check(t *testing.T, src image.Image, w, h int, f Filter) {
	t.Helper()
	tol := 1.0
	if f.At == nil {
		tol = 0
	}
	var (
		planes [3][]float64
		rgba   []float64
	)
	switch s := src.(type) {
	case *image.YCbCr:
		planes = refYCbCr(s, w, h, f)
	case *image.Gray:
		planes[0] = refGray(s, w, h, f)
	default:
		rgba = refRGBA(src, w, h, f)
	}
	for _, order := range []mode{modeAuto, modeVH, modeHV} {
		name := map[mode]string{modeAuto: "planned", modeVH: "vertical first", modeHV: "horizontal first"}[order]
		got, _ := resize(src, w, h, f, order, nil)
		if got == nil {
			t.Fatalf("%s: Resize returned nil", name)
		}
		if want := image.Rect(0, 0, w, h); got.Bounds() != want {
			t.Fatalf("%s: bounds %v, want %v", name, got.Bounds(), want)
		}
		switch s := src.(type) {
		case *image.YCbCr:
			g, ok := got.(*image.YCbCr)
			if !ok {
				t.Fatalf("%s: got %T, want *image.YCbCr", name, got)
			}
			if g.SubsampleRatio != s.SubsampleRatio {
				t.Fatalf("%s: subsampling %v, want %v", name, g.SubsampleRatio, s.SubsampleRatio)
			}
			fx, fy := subsampling(s.SubsampleRatio)
			cw, ch := (w+fx-1)/fx, (h+fy-1)/fy
			compare(t, name+": Y", g.Y, g.YStride, w, h, 1, planes[0], tol)
			compare(t, name+": Cb", g.Cb, g.CStride, cw, ch, 1, planes[1], tol)
			compare(t, name+": Cr", g.Cr, g.CStride, cw, ch, 1, planes[2], tol)
		case *image.Gray:
			g, ok := got.(*image.Gray)
			if !ok {
				t.Fatalf("%s: got %T, want *image.Gray", name, got)
			}
			compare(t, name+": gray", g.Pix, g.Stride, w, h, 1, planes[0], tol)
		case *image.NRGBA:
			g, ok := got.(*image.NRGBA)
			if !ok {
				t.Fatalf("%s: got %T, want *image.NRGBA", name, got)
			}
			// Colour at low alpha carries little information: compare the
			// premultiplied values.
			compareFloat(t, name+": nrgba", premultiplied(g), rgba, tol)
		default:
			g, ok := got.(*image.RGBA)
			if !ok {
				t.Fatalf("%s: got %T, want *image.RGBA", name, got)
			}
			compare(t, name+": rgba", g.Pix, g.Stride, w, h, 4, rgba, tol)
			for i := 0; i < len(g.Pix); i += 4 {
				if a := g.Pix[i+3]; g.Pix[i] > a || g.Pix[i+1] > a || g.Pix[i+2] > a {
					t.Fatalf("%s: pixel %d: colour %v above its alpha", name, i/4, g.Pix[i:i+4])
				}
			}
		}
	}
}

func compareFloat(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	worst, at := 0.0, 0
	for i := range got {
		if d := math.Abs(got[i] - want[i]); d > worst {
			worst, at = d, i
		}
	}
	if worst > tol {
		t.Errorf("%s: differs from the reference by %v at sample %d (%v, want %v)", what, worst, at, got[at], want[at])
	}
}

// sizes covers reduction and enlargement, each axis alone, both, mixed, and
// sizes for the 96x72 crops: reductions strong enough on one axis to make
// either pass order cheaper, and sizes that change one axis only.
var sizes = []image.Point{{37, 29}, {96, 72}, {13, 70}, {150, 11}, {203, 157}, {96, 200}, {250, 40}, {1, 1}, {1, 9}, {96, 19}, {23, 72}, {96, 1}, {1, 72}}

func TestPhotos(t *testing.T) {
	crops := photoCrops(t, 96, 72)
	for i, crop := range crops {
		for _, f := range filters {
			for _, sz := range sizes {
				t.Run(fmt.Sprintf("photo%d/%s/%dx%d", i, f.name, sz.X, sz.Y), func(t *testing.T) {
					check(t, crop, sz.X, sz.Y, f.f)
					if i == 0 {
						check(t, toRGBA(crop), sz.X, sz.Y, f.f)
						check(t, toGray(crop), sz.X, sz.Y, f.f)
					}
				})
			}
		}
	}
}

// TestParallel uses an image large enough to be split across goroutines.
func TestParallel(t *testing.T) {
	crop := photoCrops(t, 640, 480)[0]
	// Large enough for the check of opacity to be split too, with one
	// transparent pixel far from the first rows.
	holed := toNRGBA(crop)
	b := holed.Bounds()
	holed.SetNRGBA(b.Min.X+300, b.Max.Y-20, color.NRGBA{})
	for _, sz := range []image.Point{{160, 120}, {641, 119}, {150, 481}, {640, 97}, {101, 480}} {
		t.Run(fmt.Sprintf("%dx%d", sz.X, sz.Y), func(t *testing.T) {
			check(t, crop, sz.X, sz.Y, lanczos3)
			check(t, toRGBA(crop), sz.X, sz.Y, lanczos3)
			check(t, holed, sz.X, sz.Y, lanczos3)
		})
	}
}

// pattern builds a w x h image from a function of the coordinates.
func pattern(w, h int, at func(x, y int) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, at(x, y))
		}
	}
	return img
}

var (
	white       = color.NRGBA{255, 255, 255, 255}
	black       = color.NRGBA{0, 0, 0, 255}
	transparent = color.NRGBA{}
)

func adversarial() map[string]*image.NRGBA {
	return map[string]*image.NRGBA{
		"vline": pattern(31, 17, func(x, y int) color.NRGBA {
			if x == 15 {
				return white
			}
			return black
		}),
		"hline": pattern(17, 31, func(x, y int) color.NRGBA {
			if y == 15 {
				return white
			}
			return black
		}),
		"checker": pattern(32, 24, func(x, y int) color.NRGBA {
			if (x+y)%2 == 0 {
				return white
			}
			return black
		}),
		"alphaedge": pattern(30, 20, func(x, y int) color.NRGBA {
			if x < 15 {
				return color.NRGBA{255, 40, 10, 255}
			}
			return transparent
		}),
		"alphasoft": pattern(25, 25, func(x, y int) color.NRGBA {
			return color.NRGBA{uint8(x * 10), uint8(y * 10), 200, uint8((x*y)%7*40 + 10)}
		}),
		"column": pattern(1, 23, func(x, y int) color.NRGBA {
			return color.NRGBA{uint8(y * 11), 0, 255, 255}
		}),
		"row": pattern(23, 1, func(x, y int) color.NRGBA {
			return color.NRGBA{uint8(x * 11), 90, 0, uint8(255 - x)}
		}),
		"dot": pattern(1, 1, func(x, y int) color.NRGBA {
			return color.NRGBA{10, 200, 30, 255}
		}),
	}
}

func TestAdversarial(t *testing.T) {
	for name, img := range adversarial() {
		b := img.Bounds()
		targets := []image.Point{{7, 5}, {b.Dx(), b.Dy()}, {b.Dx() * 3, b.Dy()*2 + 1}, {max(1, b.Dx()/3), max(1, b.Dy()/2)}, {1, 1}}
		for _, f := range filters {
			for _, sz := range targets {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", name, f.name, sz.X, sz.Y), func(t *testing.T) {
					check(t, img, sz.X, sz.Y, f.f)
					check(t, toRGBA(img), sz.X, sz.Y, f.f)
					check(t, toGray(img), sz.X, sz.Y, f.f)
				})
			}
		}
	}
}

// TestNoDarkFringe resizes opaque red next to transparent black: no output
// pixel may be darker than the red, whatever its alpha.
func TestNoDarkFringe(t *testing.T) {
	img := adversarial()["alphaedge"]
	for _, f := range filters[:6] {
		got := Resize(img, 11, 7, f.f).(*image.NRGBA)
		for i := 0; i < len(got.Pix); i += 4 {
			if got.Pix[i+3] > 8 && got.Pix[i] < 250 {
				t.Errorf("%s: pixel %d is %v, a dark fringe", f.name, i/4, got.Pix[i:i+4])
			}
		}
	}
}

// TestSubsampling covers every chroma subsampling, with sub-images whose
// origin is not aligned with the chroma samples.
func TestSubsampling(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	for _, r := range ratios {
		full := image.NewYCbCr(image.Rect(0, 0, 60, 45), r)
		for i := range full.Y {
			full.Y[i] = uint8(i * 7 % 251)
		}
		for i := range full.Cb {
			full.Cb[i] = uint8(i * 13 % 256)
			full.Cr[i] = uint8(255 - i*5%256)
		}
		for _, rect := range []image.Rectangle{full.Rect, image.Rect(1, 3, 50, 40), image.Rect(3, 1, 6, 3)} {
			src := full.SubImage(rect).(*image.YCbCr)
			for _, f := range filters {
				for _, sz := range []image.Point{{17, 13}, {rect.Dx(), rect.Dy()}, {70, 5}, {3, 61}} {
					t.Run(fmt.Sprintf("%v/%v/%s/%dx%d", r, rect, f.name, sz.X, sz.Y), func(t *testing.T) {
						check(t, src, sz.X, sz.Y, f.f)
					})
				}
			}
		}
	}
}

// TestSubImages resizes sub-images whose rows are part of wider rows.
func TestSubImages(t *testing.T) {
	img := adversarial()["alphasoft"]
	r := image.Rect(3, 5, 22, 20)
	for name, src := range map[string]image.Image{
		"nrgba": img.SubImage(r),
		"rgba":  toRGBA(img).SubImage(r),
		"gray":  toGray(img).SubImage(r),
	} {
		for _, f := range filters {
			for _, sz := range []image.Point{{7, 5}, {40, 33}, {19, 15}} {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", name, f.name, sz.X, sz.Y), func(t *testing.T) {
					check(t, src, sz.X, sz.Y, f.f)
				})
			}
		}
	}
}

func TestOtherTypes(t *testing.T) {
	pal := image.NewPaletted(image.Rect(2, 3, 20, 17), color.Palette{
		color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 0, 0}, color.NRGBA{0, 255, 0, 128}, color.Gray{90},
	})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i * 7 % 4)
	}
	opaquePal := image.NewPaletted(image.Rect(0, 0, 9, 9), color.Palette{color.Gray{0}, color.Gray{255}})
	for i := range opaquePal.Pix {
		opaquePal.Pix[i] = uint8(i % 2)
	}
	cmyk := image.NewCMYK(image.Rect(0, 0, 20, 10))
	for i := range cmyk.Pix {
		cmyk.Pix[i] = uint8(i * 31)
	}
	rgba64 := image.NewRGBA64(image.Rect(-5, -5, 15, 10))
	for i := range rgba64.Pix {
		rgba64.Pix[i] = uint8(i * 3)
	}
	for i := 0; i < len(rgba64.Pix); i += 8 {
		rgba64.Pix[i+6], rgba64.Pix[i+7] = 0xff, 0xff
	}
	for name, img := range map[string]image.Image{"paletted": pal, "opaquepaletted": opaquePal, "cmyk": cmyk, "rgba64": rgba64} {
		for _, f := range filters {
			t.Run(name+"/"+f.name, func(t *testing.T) {
				check(t, img, 7, 5, f.f)
				check(t, img, 41, 23, f.f)
			})
		}
	}
}

// TestIdentity checks that resizing to the same size returns the same pixels
// for every kernel that interpolates.
func TestIdentity(t *testing.T) {
	crop := photoCrops(t, 50, 40)[1]
	for _, f := range filters {
		got := Resize(crop, 50, 40, f.f).(*image.YCbCr)
		for y := range 40 {
			for x := range 50 {
				if g, w := got.YCbCrAt(x, y), crop.YCbCrAt(crop.Rect.Min.X+x, crop.Rect.Min.Y+y); g.Y != w.Y {
					t.Fatalf("%s: Y at (%d, %d) = %d, want %d", f.name, x, y, g.Y, w.Y)
				}
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	tests := []struct {
		name string
		src  image.Image
		w, h int
	}{
		{"zero width", img, 0, 4},
		{"negative height", img, 4, -1},
		{"empty source", image.NewRGBA(image.Rect(3, 3, 3, 9)), 4, 4},
		{"huge", img, 1 << 20, 1 << 20},
	}
	for _, tt := range tests {
		if got := Resize(tt.src, tt.w, tt.h, lanczos3); got != nil {
			t.Errorf("%s: got %T %v, want nil", tt.name, got, got.Bounds())
		}
	}
}

// TestOddFilters checks that filters with degenerate values do not break the
// resize: the output stays within the input's range.
func TestOddFilters(t *testing.T) {
	src := toGray(adversarial()["checker"])
	for name, f := range map[string]Filter{
		"zero":        {Support: 2, At: func(float64) float64 { return 0 }},
		"nan":         {Support: 2, At: func(float64) float64 { return math.NaN() }},
		"nosupport":   {Support: 0, At: func(float64) float64 { return 1 }},
		"negsupport":  {Support: -3, At: func(float64) float64 { return 1 }},
		"hugesupport": {Support: 1e300, At: func(float64) float64 { return 1 }},
		"wildlobes":   {Support: 2, At: func(x float64) float64 { return math.Cos(3*x) * 50 }},
	} {
		for _, sz := range []image.Point{{7, 5}, {64, 48}} {
			got := Resize(src, sz.X, sz.Y, f)
			if got == nil || got.Bounds() != image.Rect(0, 0, sz.X, sz.Y) {
				t.Errorf("%s: bad result %v", name, got)
			}
		}
	}
}

// TestWeights checks the fixed-point tables: each output's coefficients sum
// to exactly 1<<prec, and the pair tables reproduce them.
func TestWeights(t *testing.T) {
	for _, f := range filters[:6] {
		for _, tc := range [][2]int{{4032, 300}, {300, 1200}, {7, 7}, {1, 9}, {9, 1}, {100, 99}} {
			var w weights
			w.compute(tc[0], tc[1], float64(tc[0])/float64(tc[1]), 0, f.f)
			for i := range w.n {
				var sum int32
				for _, c := range w.coef[i*w.taps : (i+1)*w.taps] {
					sum += c
				}
				if sum != 1<<w.prec {
					t.Fatalf("%s %v: output %d sums to %d", f.name, tc, i, sum)
				}
				if s := int(w.start[i]); s < 0 || s+w.taps > tc[0] {
					t.Fatalf("%s %v: output %d window %d+%d outside the source", f.name, tc, i, s, w.taps)
				}
				p, half := i/2, i%2
				for k := range w.ptaps {
					pc := w.pcoef[p*w.ptaps+k]
					lo, hi := lanes(pc)
					got := []int64{lo, hi}[half]
					j := int(w.pstart[p]) + k - int(w.start[i])
					var want int64
					if j >= 0 && j < w.taps {
						want = int64(w.coef[i*w.taps+j])
					}
					if got != want {
						t.Fatalf("%s %v: pair table for output %d tap %d = %d, want %d", f.name, tc, i, k, got, want)
					}
				}
			}
		}
	}
}

// TestWeightsPrecision checks that a filter with large negative lobes gets
// fewer fractional bits, so that the packed sums cannot overflow, and that
// its weights still sum to exactly one.
func TestWeightsPrecision(t *testing.T) {
	wild := Filter{Support: 3, At: func(x float64) float64 { return math.Cos(2*x) * 10 }}
	var w weights
	w.compute(50, 20, 2.5, 0, wild)
	if w.prec >= precision {
		t.Errorf("precision %d, want less than %d", w.prec, precision)
	}
	for i := range w.n {
		var sum, abs int64
		for _, c := range w.coef[i*w.taps : (i+1)*w.taps] {
			sum += int64(c)
			abs += max(int64(c), -int64(c))
		}
		if sum != 1<<w.prec {
			t.Fatalf("output %d sums to %d, want %d", i, sum, 1<<w.prec)
		}
		if abs*maxInter >= laneLimit {
			t.Fatalf("output %d: absolute sum %d can overflow a lane", i, abs)
		}
	}
}

// TestWeightsReuse checks that a table is recomputed when the filter
// changes, even to another closure of the same function.
func TestWeightsReuse(t *testing.T) {
	sharp := func(a float64) Filter {
		return Filter{Support: 3, At: func(x float64) float64 { return lanczos(x, a) }}
	}
	var w weights
	w.compute(100, 30, 100.0/30, 0, sharp(3))
	first := append([]int32(nil), w.coef...)
	w.compute(100, 30, 100.0/30, 0, sharp(1.5))
	if slices.Equal(first, w.coef) {
		t.Error("the table was not recomputed for a different filter")
	}
	f := sharp(3)
	w.compute(100, 30, 100.0/30, 0, f)
	again := append([]int32(nil), w.coef...)
	w.compute(100, 30, 100.0/30, 0, f)
	if !slices.Equal(again, w.coef) || !slices.Equal(first, again) {
		t.Error("the same filter gave different tables")
	}
}

func TestAllocs(t *testing.T) {
	src := photoCrops(t, 640, 480)[0]
	rgba := toRGBA(src)
	for name, img := range map[string]image.Image{"ycbcr": src, "rgba": rgba} {
		Resize(img, 100, 75, lanczos3)
		if n := testing.AllocsPerRun(20, func() { Resize(img, 100, 75, lanczos3) }); n > 2 {
			t.Errorf("%s: %v allocations per resize, want at most 2", name, n)
		}
	}
}
