package transform

import (
	"image"
	"image/jpeg"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/disintegration/imaging"
	"github.com/rendition-go/rendition/internal/cputime"
	xdraw "golang.org/x/image/draw"
)

var benchPhoto struct {
	once sync.Once
	img  *image.YCbCr
	err  error
}

// photo decodes the 4032x3024 sample once for all benchmarks.
func photo(b *testing.B) *image.YCbCr {
	b.Helper()
	benchPhoto.once.Do(func() {
		f, err := os.Open("../testdata/phone-note10-exif6.jpg")
		if err != nil {
			benchPhoto.err = err
			return
		}
		defer f.Close()
		img, err := jpeg.Decode(f)
		if err != nil {
			benchPhoto.err = err
			return
		}
		benchPhoto.img = img.(*image.YCbCr)
	})
	if benchPhoto.err != nil {
		b.Fatal(benchPhoto.err)
	}
	return benchPhoto.img
}

func rgbaOf(src image.Image) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
	xdraw.Draw(dst, dst.Rect, src, src.Bounds().Min, xdraw.Src)
	return dst
}

// cpuTime is the user and system time of the process so far, or 0.
func cpuTime() time.Duration {
	t, _ := cputime.Process()
	return t
}

// BenchmarkResize compares Resize with disintegration/imaging and
// golang.org/x/image/draw on the same inputs, reporting the CPU time per
// operation across all goroutines next to the wall time:
//
//	go test ./transform -run XXX -bench Resize -benchmem -count 3
func BenchmarkResize(b *testing.B) {
	type input struct {
		name string
		img  func(b *testing.B) image.Image
	}
	var (
		rgbaOnce  sync.Once
		rgba      *image.RGBA
		smallOnce sync.Once
		small     [2]image.Image
	)
	big := photo
	bigRGBA := func(b *testing.B) image.Image {
		rgbaOnce.Do(func() { rgba = rgbaOf(photo(b)) })
		return rgba
	}
	smallImg := func(i int) func(b *testing.B) image.Image {
		return func(b *testing.B) image.Image {
			smallOnce.Do(func() {
				y := Resize(photo(b), 300, 0, Lanczos3)
				small = [2]image.Image{y, rgbaOf(y)}
			})
			return small[i]
		}
	}
	cases := []struct {
		src   string
		to    int
		input func(b *testing.B) image.Image
	}{
		{"ycbcr", 300, func(b *testing.B) image.Image { return big(b) }},
		{"ycbcr", 1200, func(b *testing.B) image.Image { return big(b) }},
		{"rgba", 300, bigRGBA},
		{"rgba", 1200, bigRGBA},
		{"ycbcr300", 1200, smallImg(0)},
		{"rgba300", 1200, smallImg(1)},
	}
	impls := []struct {
		name   string
		resize func(src image.Image, w int) image.Image
	}{
		{"rendition", func(src image.Image, w int) image.Image { return Resize(src, w, 0, Lanczos3) }},
		{"imaging", func(src image.Image, w int) image.Image { return imaging.Resize(src, w, 0, imaging.Lanczos) }},
		{"xdraw-catmullrom", func(src image.Image, w int) image.Image {
			sb := src.Bounds()
			dst := image.NewRGBA(image.Rect(0, 0, w, (sb.Dy()*w+sb.Dx()/2)/sb.Dx()))
			xdraw.CatmullRom.Scale(dst, dst.Rect, src, sb, xdraw.Src, nil)
			return dst
		}},
	}
	for _, c := range cases {
		for _, impl := range impls {
			b.Run("src="+c.src+"/to="+strconv.Itoa(c.to)+"/impl="+impl.name, func(b *testing.B) {
				src := c.input(b)
				b.ReportAllocs()
				cpu := cpuTime()
				b.ResetTimer()
				for range b.N {
					impl.resize(src, c.to)
				}
				b.StopTimer()
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
