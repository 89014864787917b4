package transform

import (
	"image"
	"math"
	"testing"
)

// TestClampPixels checks the size Resize makes of a request too large to
// allocate: at most 1<<30 pixels, the aspect ratio kept, each side at least
// 1, never the source returned unchanged.
func TestClampPixels(t *testing.T) {
	tests := []struct{ w, h, wantW, wantH int }{
		{100, 100, 100, 100},
		{1 << 15, 1 << 15, 1 << 15, 1 << 15}, // exactly the limit
		{1 << 20, 1 << 20, 1 << 15, 1 << 15},
		{1 << 21, 1 << 19, 1 << 16, 1 << 14},
		{1 << 40, 1, 1 << 30, 1},
		{1, 1 << 40, 1, 1 << 30},
		{math.MaxInt, 2, 1 << 30, 1},
	}
	for _, tt := range tests {
		w, h := clampPixels(tt.w, tt.h)
		if w != tt.wantW || h != tt.wantH {
			t.Errorf("clampPixels(%d, %d) = %d, %d; want %d, %d", tt.w, tt.h, w, h, tt.wantW, tt.wantH)
		}
	}
	for _, s := range [][2]int{{math.MaxInt, math.MaxInt}, {3 << 20, 7 << 20}, {123456789, 98765}} {
		w, h := clampPixels(s[0], s[1])
		if w < 1 || h < 1 || int64(w)*int64(h) > maxResizePixels {
			t.Errorf("clampPixels(%d, %d) = %d, %d", s[0], s[1], w, h)
		}
		if got, want := float64(w)/float64(h), float64(s[0])/float64(s[1]); math.Abs(got-want)/want > 0.01 {
			t.Errorf("clampPixels(%d, %d) = %d, %d: ratio %v, want %v", s[0], s[1], w, h, got, want)
		}
	}
	if got := derivedSide(1<<20, math.MaxInt, 1); got != maxResizePixels {
		t.Errorf("derivedSide overflowing int = %d", got)
	}
}

func TestResizeNegativeAndZero(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 40, 30))
	for _, tt := range []struct {
		w, h int
		want image.Point
	}{
		{-5, 15, image.Pt(20, 15)},
		{20, -1, image.Pt(20, 15)},
		{0, 3, image.Pt(4, 3)},
	} {
		if got := Resize(src, tt.w, tt.h, Linear).Bounds().Size(); got != tt.want {
			t.Errorf("Resize(40x30, %d, %d) = %v, want %v", tt.w, tt.h, got, tt.want)
		}
	}
	if got := Resize(src, -1, -1, Linear); got != image.Image(src) {
		t.Error("Resize with no size did not return src")
	}
}

// TestFitFillNegative checks that Fit and Fill take a side of 0 or less as
// unset, as Resize does, instead of making it one pixel.
func TestFitFillNegative(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 40, 30))
	for _, tt := range []struct {
		w, h int
		want image.Point
	}{
		{-5, 15, image.Pt(20, 15)},
		{20, -1, image.Pt(20, 15)},
		{-1, -1, image.Pt(40, 30)},
	} {
		if got := Fit(src, tt.w, tt.h, Linear).Bounds().Size(); got != tt.want {
			t.Errorf("Fit(40x30, %d, %d) = %v, want %v", tt.w, tt.h, got, tt.want)
		}
		if got := Fill(src, tt.w, tt.h, 0, Linear).Bounds().Size(); got != tt.want {
			t.Errorf("Fill(40x30, %d, %d) = %v, want %v", tt.w, tt.h, got, tt.want)
		}
	}
}
