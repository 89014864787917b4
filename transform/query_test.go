package transform

import (
	"encoding/base64"
	"errors"
	"fmt"
	"image/color"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// parseRawQuery parses a raw query string as a server would and then the
// parameters with ParseQuery.
func parseRawQuery(t *testing.T, raw string) (Params, error) {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("url.ParseQuery(%q): %v", raw, err)
	}
	return ParseQuery(q)
}

func queryColor(r, g, b, a uint8) *color.NRGBA {
	return &color.NRGBA{R: r, G: g, B: b, A: a}
}

// enc64 encodes s as a *64 parameter value (URL-safe, no padding).
func enc64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseQuery(t *testing.T) {
	red := queryColor(0xff, 0, 0, 0xff)
	tests := []struct {
		query string
		want  Params
	}{
		{"", Params{}},

		// w, h and their aliases.
		{"w=300", Params{Width: 300}},
		{"w=2", Params{Width: 2}},
		{"w=8192", Params{Width: 8192}},
		{"w=0300", Params{Width: 300}},
		{"w=300.0", Params{Width: 300}},
		{"w=0.5", Params{Width: 0.5}},
		{"w=.25", Params{Width: 0.25}},
		{"w=1", Params{Width: 1}},
		{"w=1.0", Params{Width: 1}},
		{"w=0.000001", Params{Width: 0.000001}},
		{"width=640", Params{Width: 640}},
		{"h=200", Params{Height: 200}},
		{"height=0.75", Params{Height: 0.75}},

		// fit and f.
		{"fit=clip", Params{}},
		{"fit=crop", Params{Fit: FitCrop}},
		{"fit=clamp", Params{Fit: FitClamp}},
		{"fit=fill", Params{Fit: FitFill}},
		{"fit=fillmax", Params{Fit: FitFillMax}},
		{"fit=max", Params{Fit: FitMax}},
		{"fit=min", Params{Fit: FitMin}},
		{"fit=scale", Params{Fit: FitScale}},
		{"f=crop", Params{Fit: FitCrop}},

		// crop.
		{"crop=top", Params{Crop: CropTop}},
		{"crop=bottom", Params{Crop: CropBottom}},
		{"crop=left", Params{Crop: CropLeft}},
		{"crop=right", Params{Crop: CropRight}},
		{"crop=focalpoint", Params{Crop: CropFocalPoint}},
		{"crop=top,left", Params{Crop: CropTop | CropLeft}},
		{"crop=right,bottom,focalpoint", Params{Crop: CropRight | CropBottom | CropFocalPoint}},
		{"crop=top,top", Params{Crop: CropTop}},

		// fp-x, fp-y, fp-z.
		{"fp-x=0.3", Params{FocalPoint: &FocalPoint{X: 0.3, Y: 0.5, Z: 1}}},
		{"fp-x=0", Params{FocalPoint: &FocalPoint{X: 0, Y: 0.5, Z: 1}}},
		{"fp-y=1", Params{FocalPoint: &FocalPoint{X: 0.5, Y: 1, Z: 1}}},
		{"fp-z=2.5", Params{FocalPoint: &FocalPoint{X: 0.5, Y: 0.5, Z: 2.5}}},
		{"fp-z=100", Params{FocalPoint: &FocalPoint{X: 0.5, Y: 0.5, Z: 100}}},
		{"fp-x=0.2&fp-y=0.8&fp-z=3&crop=focalpoint&fit=crop", Params{
			Fit: FitCrop, Crop: CropFocalPoint, FocalPoint: &FocalPoint{X: 0.2, Y: 0.8, Z: 3}}},
		{"fp-x=0.5&fp-y=0.5&fp-z=1", Params{}},

		// ar.
		{"ar=16:9", Params{AspectRatio: 16.0 / 9}},
		{"ar=1.5:1", Params{AspectRatio: 1.5}},
		{"ar=1:1", Params{AspectRatio: 1}},
		{"ar=8192:1", Params{AspectRatio: 8192}},
		{"ar=1:8192", Params{AspectRatio: 1.0 / 8192}},

		// rect.
		{"rect=10,20,300,400", Params{Rect: &Rect{X: 10, Y: 20, W: 300, H: 400}}},
		{"rect=0.1,0.2,0.5,0.25", Params{Rect: &Rect{X: 0.1, Y: 0.2, W: 0.5, H: 0.25,
			Fraction: rectFracX | rectFracY | rectFracW | rectFracH}}},
		{"rect=0.0,0,0.5,1", Params{Rect: &Rect{W: 0.5, H: 1, Fraction: rectFracW}}},
		{"rect=left,top,100,100", Params{Rect: &Rect{W: 100, H: 100}}},
		{"rect=center,middle,0.5,100", Params{Rect: &Rect{W: 0.5, H: 100, Fraction: rectFracW,
			XAlign: "center", YAlign: "middle"}}},
		{"rect=right,bottom,1,1", Params{Rect: &Rect{W: 1, H: 1, XAlign: "right", YAlign: "bottom"}}},
		{"rect=center,bottom,1.0,50", Params{Rect: &Rect{W: 1, H: 50, Fraction: rectFracW, YAlign: "bottom"}}},
		{"rect=0,0,1.0,1.0", Params{}},
		{"rect=right,bottom,1.0,1.0", Params{}},
		{"rect=0,0,2147483647,1", Params{Rect: &Rect{W: 2147483647, H: 1}}},

		// min-w, max-w, min-h, max-h and their aliases.
		{"min-w=1", Params{MinWidth: 1}},
		{"min-width=100", Params{MinWidth: 100}},
		{"max-w=8192", Params{MaxWidth: 8192}},
		{"max-width=1200", Params{MaxWidth: 1200}},
		{"min-h=10", Params{MinHeight: 10}},
		{"min-height=20", Params{MinHeight: 20}},
		{"max-h=800", Params{MaxHeight: 800}},
		{"max-height=900", Params{MaxHeight: 900}},

		// dpr.
		{"dpr=2", Params{DPR: 2}},
		{"dpr=0.75", Params{DPR: 0.75}},
		{"dpr=5", Params{DPR: 5}},
		{"dpr=1", Params{}},
		{"dpr=1.00", Params{}},

		// q.
		{"q=60", Params{Quality: 60}},
		{"q=100", Params{Quality: 100}},
		{"q=0", Params{Quality: 1}},
		{"q=1", Params{Quality: 1}},
		{"q=45", Params{Quality: 45}},
		{"q=75", Params{}},
		{"q=75&auto=compress", Params{Quality: 75, Auto: AutoCompress}},
		{"q=45&auto=compress", Params{Auto: AutoCompress}},

		// fm.
		{"fm=jpg", Params{Format: JPEG}},
		{"fm=jpeg", Params{Format: JPEG}},
		{"fm=png", Params{Format: PNG}},
		{"fm=gif", Params{Format: GIF}},
		{"fm=webp", Params{Format: WebP}},
		{"fm=avif", Params{Format: AVIF}},
		{"fm=avif&lossless=1&q=50", Params{Format: AVIF, Lossless: true, Quality: 50}},

		// lossless.
		{"lossless=1", Params{Lossless: true}},
		{"lossless=true", Params{Lossless: true}},
		{"lossless=0", Params{}},
		{"lossless=false", Params{}},

		// auto, the one parameter that may repeat.
		{"auto=format", Params{Auto: AutoFormat}},
		{"auto=compress", Params{Auto: AutoCompress}},
		{"auto=format,compress", Params{Auto: AutoFormat | AutoCompress}},
		{"auto=format&auto=compress", Params{Auto: AutoFormat | AutoCompress}},
		{"auto=compress,format,format", Params{Auto: AutoFormat | AutoCompress}},

		// flip.
		{"flip=h", Params{FlipH: true}},
		{"flip=v", Params{FlipV: true}},
		{"flip=hv", Params{FlipH: true, FlipV: true}},
		{"flip=vh", Params{FlipH: true, FlipV: true}},

		// rot.
		{"rot=0", Params{}},
		{"rot=90", Params{Rotate: 90}},
		{"rot=180.0", Params{Rotate: 180}},
		{"rot=270", Params{Rotate: 270}},

		// orient and or.
		{"orient=0", Params{}},
		{"orient=1", Params{Orient: 1}},
		{"orient=2", Params{Orient: 2}},
		{"orient=3", Params{Orient: 3}},
		{"orient=4", Params{Orient: 4}},
		{"orient=5", Params{Orient: 5}},
		{"orient=6", Params{Orient: 6}},
		{"orient=7", Params{Orient: 7}},
		{"orient=8", Params{Orient: 8}},
		{"orient=90", Params{Orient: 6}},
		{"orient=180", Params{Orient: 3}},
		{"orient=270", Params{Orient: 8}},
		{"or=5", Params{Orient: 5}},

		// bg, fill-color and fillcolor.
		{"bg=f00", Params{Background: red}},
		{"bg=red", Params{Background: red}},
		{"bg=80ff0000", Params{Background: queryColor(0xff, 0, 0, 0x80)}},
		{"bg=8f00", Params{Background: queryColor(0xff, 0, 0, 0x88)}},
		{"bg=0f00", Params{Background: queryColor(0, 0, 0, 0)}},
		{"bg=transparent", Params{Background: queryColor(0, 0, 0, 0)}},
		{"fill-color=00f", Params{FillColor: queryColor(0, 0, 0xff, 0xff)}},
		{"fillcolor=blue", Params{FillColor: queryColor(0, 0, 0xff, 0xff)}},
		{"bg=red&fill-color=f00", Params{Background: red}},
		{"bg=red&fill-color=00f", Params{Background: red, FillColor: queryColor(0, 0, 0xff, 0xff)}},

		// fill.
		{"fill=solid", Params{}},
		{"fit=fill&fill=solid&fill-color=blue", Params{Fit: FitFill, FillColor: queryColor(0, 0, 0xff, 0xff)}},

		// dl.
		{"dl=photo.jpg", Params{Download: "photo.jpg"}},
		{"dl=%C3%A9t%C3%A9+2024.jpg", Params{Download: "été 2024.jpg"}},
		{"dl=" + strings.Repeat("a", 255), Params{Download: strings.Repeat("a", 255)}},

		// Base64 variants, with and without padding, canonical names and aliases.
		{"w64=MzAw", Params{Width: 300}},
		{"width64=MzAw", Params{Width: 300}},
		{"h64=" + enc64("0.5"), Params{Height: 0.5}},
		{"bg64=cmVk", Params{Background: red}},
		{"fit64=Y3JvcA", Params{Fit: FitCrop}},
		{"fit64=Y3JvcA==", Params{Fit: FitCrop}},
		{"dl64=Pz8-", Params{Download: "??>"}},
		{"dl64=" + enc64("a b&c=d.png"), Params{Download: "a b&c=d.png"}},
		{"rect64=" + enc64("10,10,100,100"), Params{Rect: &Rect{X: 10, Y: 10, W: 100, H: 100}}},

		// Several together.
		{"w=300&h=200&fit=crop&crop=top,left&fm=webp&q=60&auto=format&dpr=2", Params{
			Width: 300, Height: 200, Fit: FitCrop, Crop: CropTop | CropLeft, Format: WebP,
			Quality: 60, Auto: AutoFormat, DPR: 2}},
	}
	for _, tt := range tests {
		got, err := parseRawQuery(t, tt.query)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.query, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q)\n got %#v\nwant %#v", tt.query, got, tt.want)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		query  string
		param  string
		value  string
		reason string
	}{
		// Names.
		{"W=100", "W", "100", reasonUnknown},
		{"foo=1", "foo", "1", reasonUnknown},
		{"auto64=Zm9ybWF0", "auto64", "Zm9ybWF0", reasonUnknown},
		{"ch64=ZHBy", "ch64", "ZHBy", reasonUnknown},
		{"s64=YWJj", "s64", "YWJj", reasonUnknown},
		{"w6464=MzAw", "w6464", "MzAw", reasonUnknown},
		{"bri=10", "bri", "10", reasonUnsupported},
		{"bri64=MTA", "bri64", "MTA", reasonUnsupported},
		{"t=hello", "t", "hello", reasonUnsupported},
		{"txt64=aGk", "txt64", "aGk", reasonUnsupported},
		{"mono=red", "mono", "red", reasonUnsupported},
		{"fp-debug=1", "fp-debug", "1", reasonUnsupported},
		{"ch=viewport", "ch", "viewport", reasonClientHints},
		{"ch64=ZHBy", "ch64", "ZHBy", reasonUnknown},
		{"s=0123abcd", "s", "0123abcd", reasonUnsupported},
		{"expires=1700000000", "expires", "1700000000", reasonUnsupported},
		{"blur=1000000", "blur", "1000000", reasonUnsupported},

		// Repetition, under one name or several.
		{"w=1&w=2", "w", "2", reasonRepeated},
		{"w=100&width=200", "width", "200", reasonRepeated + " (also as w)"},
		{"w=100&w64=MjAw", "w64", "MjAw", reasonRepeated + " (also as w)"},
		{"width=100&width64=MjAw", "width64", "MjAw", reasonRepeated + " (also as width)"},
		{"f=crop&fit=crop", "fit", "crop", reasonRepeated + " (also as f)"},
		{"or=1&orient=1", "orient", "1", reasonRepeated + " (also as or)"},
		{"fill-color=red&fillcolor=red", "fillcolor", "red", reasonRepeated + " (also as fill-color)"},
		{"bg=red&bg64=cmVk", "bg64", "cmVk", reasonRepeated + " (also as bg)"},
		{"max-w=10&max-width=10", "max-width", "10", reasonRepeated + " (also as max-w)"},
		{"q=75&q=75", "q", "75", reasonRepeated},
		{"fill=solid&fill=solid", "fill", "solid", reasonRepeated},

		// Base64 and text.
		{"w64=MzAw!", "w64", "MzAw!", reasonBase64},
		{"w64=MzAw=", "w64", "MzAw=", reasonBase64},
		{"w64=MzF", "w64", "MzF", reasonBase64}, // non-zero trailing bits
		{"dl64=Pz8/", "dl64", "Pz8/", reasonBase64},
		{"dl64=Pz8+", "dl64", "Pz8 ", reasonBase64}, // '+' is a space in a query
		{"w64=", "w64", "", reasonSize},
		{"w64=" + enc64("9000"), "w64", "9000", reasonSize},
		{"dl64=_w", "dl64", "_w", reasonUTF8},
		{"dl64=AA", "dl64", "AA", reasonControl},
		{"dl=%FF", "dl", "\xff", reasonUTF8},
		{"dl=a%00b", "dl", "a\x00b", reasonControl},
		{"fm=jpg%0A", "fm", "jpg\n", reasonControl},
		{"dl=a%7Fb", "dl", "a\x7fb", reasonControl},
		{"dl=a%C2%85b", "dl", "a\u0085b", reasonControl},

		// w and h.
		{"w=0", "w", "0", reasonSize},
		{"w=0.0", "w", "0.0", reasonSize},
		{"w=-1", "w", "-1", reasonSize},
		{"w=1.5", "w", "1.5", reasonSize},
		{"w=8193", "w", "8193", reasonSize},
		{"w=8192.5", "w", "8192.5", reasonSize},
		{"w=9000", "w", "9000", reasonSize},
		{"w=NaN", "w", "NaN", reasonSize},
		{"w=Inf", "w", "Inf", reasonSize},
		{"w=1e9", "w", "1e9", reasonSize},
		{"w=1e3", "w", "1e3", reasonSize},
		{"w=0x10", "w", "0x10", reasonSize},
		{"w=1_000", "w", "1_000", reasonSize},
		{"w=%2B5", "w", "+5", reasonSize},
		{"w=1..2", "w", "1..2", reasonSize},
		{"w=.", "w", ".", reasonSize},
		{"w=", "w", "", reasonSize},
		{"w=abc", "w", "abc", reasonSize},
		{"width=0", "width", "0", reasonSize},
		{"h=-200", "h", "-200", reasonSize},
		{"height=1e9", "height", "1e9", reasonSize},

		// fit.
		{"fit=facearea", "fit", "facearea", reasonUnsupported},
		{"fit=CROP", "fit", "CROP", reasonFit},
		{"fit=", "fit", "", reasonFit},
		{"f=cover", "f", "cover", reasonFit},

		// crop.
		{"crop=faces", "crop", "faces", reasonUnsupported + " (faces)"},
		{"crop=top,entropy", "crop", "top,entropy", reasonUnsupported + " (entropy)"},
		{"crop=edges", "crop", "edges", reasonUnsupported + " (edges)"},
		{"crop=top,bottom", "crop", "top,bottom", "top and bottom cannot be combined"},
		{"crop=left,focalpoint,right", "crop", "left,focalpoint,right", "left and right cannot be combined"},
		{"crop=center", "crop", "center", reasonCrop},
		{"crop=", "crop", "", reasonCrop},
		{"crop=top,", "crop", "top,", reasonCrop},

		// fp-x, fp-y, fp-z.
		{"fp-x=1.1", "fp-x", "1.1", reasonFPXY},
		{"fp-x=-0.1", "fp-x", "-0.1", reasonFPXY},
		{"fp-y=abc", "fp-y", "abc", reasonFPXY},
		{"fp-y=", "fp-y", "", reasonFPXY},
		{"fp-z=0.5", "fp-z", "0.5", reasonFPZ},
		{"fp-z=101", "fp-z", "101", reasonFPZ},
		{"fp-z=", "fp-z", "", reasonFPZ},

		// ar.
		{"ar=16", "ar", "16", reasonAR},
		{"ar=16:0", "ar", "16:0", reasonAR},
		{"ar=0:9", "ar", "0:9", reasonAR},
		{"ar=a:b", "ar", "a:b", reasonAR},
		{"ar=16:9:1", "ar", "16:9:1", reasonAR},
		{"ar=16x9", "ar", "16x9", reasonAR},
		{"ar=-1:2", "ar", "-1:2", reasonAR},
		{"ar=8193:1", "ar", "8193:1", reasonAR},
		{"ar=1:8193", "ar", "1:8193", reasonAR},
		{"ar=:", "ar", ":", reasonAR},

		// rect.
		{"rect=1,2,3", "rect", "1,2,3", "must be four comma-separated values x,y,w,h"},
		{"rect=1,2,3,4,5", "rect", "1,2,3,4,5", "must be four comma-separated values x,y,w,h"},
		{"rect=", "rect", "", "must be four comma-separated values x,y,w,h"},
		{"rect=-1,0,10,10", "rect", "-1,0,10,10", rectReasons[0]},
		{"rect=1.5,0,10,10", "rect", "1.5,0,10,10", rectReasons[0]},
		{"rect=top,0,10,10", "rect", "top,0,10,10", rectReasons[0]},
		{"rect=0,left,10,10", "rect", "0,left,10,10", rectReasons[1]},
		{"rect=0,,10,10", "rect", "0,,10,10", rectReasons[1]},
		{"rect=0,0,0,10", "rect", "0,0,0,10", rectReasons[2]},
		{"rect=0,0,1.5,10", "rect", "0,0,1.5,10", rectReasons[2]},
		{"rect=0,0,right,10", "rect", "0,0,right,10", rectReasons[2]},
		{"rect=0,0,10,0.0", "rect", "0,0,10,0.0", rectReasons[3]},
		{"rect=0,0,10,2147483648", "rect", "0,0,10,2147483648", rectReasons[3]},
		{"rect=0,0,10,1e3", "rect", "0,0,10,1e3", rectReasons[3]},

		// min-w, max-w, min-h, max-h.
		{"min-w=0", "min-w", "0", reasonBound},
		{"max-w=8193", "max-w", "8193", reasonBound},
		{"min-h=1.5", "min-h", "1.5", reasonBound},
		{"max-h=-1", "max-h", "-1", reasonBound},
		{"max-height=abc", "max-height", "abc", reasonBound},
		{"min-width=99999999999999999999999", "min-width", "99999999999999999999999", reasonBound},

		// dpr.
		{"dpr=0", "dpr", "0", reasonDPR},
		{"dpr=5.1", "dpr", "5.1", reasonDPR},
		{"dpr=1000", "dpr", "1000", reasonDPR},
		{"dpr=-1", "dpr", "-1", reasonDPR},
		{"dpr=abc", "dpr", "abc", reasonDPR},

		// q.
		{"q=101", "q", "101", reasonQuality},
		{"q=-1", "q", "-1", reasonQuality},
		{"q=50.5", "q", "50.5", reasonQuality},
		{"q=", "q", "", reasonQuality},

		// fm.
		{"fm=bmp", "fm", "bmp", reasonFormat},
		{"fm=tiff", "fm", "tiff", reasonFormat},
		{"fm=JPG", "fm", "JPG", reasonFormat},
		{"fm=", "fm", "", reasonFormat},

		// lossless.
		{"lossless=yes", "lossless", "yes", reasonBool},
		{"lossless=TRUE", "lossless", "TRUE", reasonBool},
		{"lossless=2", "lossless", "2", reasonBool},

		// auto.
		{"auto=enhance", "auto", "enhance", reasonUnsupported + " (enhance)"},
		{"auto=format,redeye", "auto", "format,redeye", reasonUnsupported + " (redeye)"},
		{"auto=true", "auto", "true", reasonUnsupported + " (true)"},
		{"auto=format,foo", "auto", "format,foo", reasonAuto},
		{"auto=", "auto", "", reasonAuto},
		{"auto=format&auto=bogus", "auto", "bogus", reasonAuto},

		// flip.
		{"flip=x", "flip", "x", reasonFlip},
		{"flip=hh", "flip", "hh", reasonFlip},
		{"flip=", "flip", "", reasonFlip},

		// rot.
		{"rot=45", "rot", "45", reasonRot90},
		{"rot=90.5", "rot", "90.5", reasonRot90},
		{"rot=359", "rot", "359", reasonRot90},
		{"rot=360", "rot", "360", reasonRot},
		{"rot=-90", "rot", "-90", reasonRot},
		{"rot=abc", "rot", "abc", reasonRot},

		// orient.
		{"orient=9", "orient", "9", reasonOrient},
		{"orient=45", "orient", "45", reasonOrient},
		{"orient=360", "orient", "360", reasonOrient},
		{"orient=-1", "orient", "-1", reasonOrient},
		{"orient=6.0", "orient", "6.0", reasonOrient},
		{"or=abc", "or", "abc", reasonOrient},

		// Colours.
		{"bg=%23fff", "bg", "#fff", reasonColor},
		{"bg=ff", "bg", "ff", reasonColor},
		{"bg=fffff", "bg", "fffff", reasonColor},
		{"bg=ggg", "bg", "ggg", reasonColor},
		{"bg=notacolour", "bg", "notacolour", reasonColor},
		{"bg=", "bg", "", reasonColor},
		{"fill-color=12345", "fill-color", "12345", reasonColor},
		{"fillcolor=xyz", "fillcolor", "xyz", reasonColor},
		{"bg64=" + enc64("nope"), "bg64", "nope", reasonColor},

		// fill.
		{"fill=blur", "fill", "blur", reasonUnsupported},
		{"fill=gen", "fill", "gen", reasonUnsupported},
		{"fill=generative", "fill", "generative", reasonUnsupported},
		{"fill=gradient", "fill", "gradient", reasonUnsupported},
		{"fill=none", "fill", "none", reasonFill},

		// dl.
		{"dl=", "dl", "", reasonDownload},
		{"dl=a/b", "dl", "a/b", reasonDownload},
		{"dl=a%5Cb", "dl", `a\b`, reasonDownload},
		{"dl=a%22b", "dl", `a"b`, reasonDownload},
		{"dl=" + strings.Repeat("a", 256), "dl", strings.Repeat("a", 256), reasonDownload},
		{"dl=%E2%80%AEgpj.exe", "dl", "\u202egpj.exe", reasonDownload},

		// Parameters are checked in sorted order: the first bad name wins.
		{"w=0&bri=1", "bri", "1", reasonUnsupported},
		{"w=abc&h=abc", "h", "abc", reasonSize},
	}
	for _, tt := range tests {
		p, err := parseRawQuery(t, tt.query)
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("ParseQuery(%q) = %v, %v; want a *ParamError", tt.query, p, err)
			continue
		}
		want := ParamError{Param: tt.param, Value: tt.value, Reason: tt.reason}
		if *pe != want {
			t.Errorf("ParseQuery(%q) error\n got %#v\nwant %#v", tt.query, *pe, want)
		}
		if !reflect.DeepEqual(p, Params{}) {
			t.Errorf("ParseQuery(%q) returned %#v with its error; want zero Params", tt.query, p)
		}
	}
}

func TestParseQueryUnsupportedFormats(t *testing.T) {
	for _, fm := range []string{"pjpg", "png8", "png32", "json", "blurhash", "jp2", "jxr", "mp4", "webm"} {
		_, err := ParseQuery(url.Values{"fm": {fm}})
		want := &ParamError{Param: "fm", Value: fm, Reason: reasonUnsupported}
		if !reflect.DeepEqual(err, want) {
			t.Errorf("fm=%s: got %v, want %v", fm, err, want)
		}
	}
}

// TestParseQueryEmptyValueList checks that a name without any value (which
// url.ParseQuery never produces) counts as absent.
func TestParseQueryEmptyValueList(t *testing.T) {
	p, err := ParseQuery(url.Values{"w": {}, "h": {"100"}})
	if err != nil || !reflect.DeepEqual(p, Params{Height: 100}) {
		t.Errorf("got %#v, %v; want Height 100", p, err)
	}
}

// TestParamTables checks the name tables: the unsupported list is sorted, has
// no duplicates and no supported names, and every one of its names (and
// their base64 variants) is refused as not supported yet.
func TestParamTables(t *testing.T) {
	if !slices.IsSorted(unsupportedParams) {
		t.Error("unsupportedParams is not sorted")
	}
	if len(slices.Compact(slices.Clone(unsupportedParams))) != len(unsupportedParams) {
		t.Error("unsupportedParams has duplicates")
	}
	for _, name := range unsupportedParams {
		if _, ok := canonicalParam[name]; ok {
			t.Errorf("%s is both supported and unsupported", name)
		}
		names := []string{name}
		if hasBase64Variant(name) {
			names = append(names, name+"64")
		}
		for _, n := range names {
			_, err := ParseQuery(url.Values{n: {"1"}})
			want := &ParamError{Param: n, Value: "1", Reason: reasonUnsupported}
			if !reflect.DeepEqual(err, want) {
				t.Errorf("%s=1: got %v, want %v", n, err, want)
			}
		}
	}
	for name, canon := range canonicalParam {
		if got := canonicalParam[canon]; got != canon {
			t.Errorf("canonical name %q of %q maps to %q", canon, name, got)
		}
	}
}

// paramSamples holds a valid, non-default value for every canonical name.
var paramSamples = map[string]string{
	"ar": "16:9", "auto": "format", "bg": "red", "ch": "width,dpr", "crop": "top,left", "dl": "a b.jpg",
	"dpr": "2", "fill": "solid", "fill-color": "00f", "fit": "crop", "flip": "hv",
	"fm": "webp", "fp-x": "0.3", "fp-y": "0.7", "fp-z": "2", "h": "200",
	"lossless": "1", "max-h": "40", "max-w": "30", "min-h": "20", "min-w": "10",
	"orient": "6", "q": "60", "rect": "0,0.5,0.5,100", "rot": "90", "w": "300",
}

// TestEveryName parses a sample value under every name, alias and base64
// variant, and checks that all spellings of a parameter agree.
func TestEveryName(t *testing.T) {
	for _, name := range slices.Sorted(maps.Keys(canonicalParam)) {
		canon := canonicalParam[name]
		v, ok := paramSamples[canon]
		if !ok {
			t.Errorf("no sample value for %s", canon)
			continue
		}
		want, err := ParseQuery(url.Values{canon: {v}})
		if err != nil {
			t.Errorf("%s=%s: %v", canon, v, err)
			continue
		}
		spellings := [][2]string{{name, v}}
		if hasBase64Variant(name) {
			spellings = append(spellings,
				[2]string{name + "64", enc64(v)},
				[2]string{name + "64", base64.URLEncoding.EncodeToString([]byte(v))})
		}
		for _, s := range spellings {
			got, err := ParseQuery(url.Values{s[0]: {s[1]}})
			if err != nil {
				t.Errorf("%s=%s: %v", s[0], s[1], err)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s=%s gives %v, want %v as for %s=%s", s[0], s[1], got, want, canon, v)
			}
		}
	}
}

func TestParseQueryEquivalent(t *testing.T) {
	groups := [][]string{
		{"w=300", "width=300", "w=300.0", "w=0300", "w64=MzAw", "width64=MzAw", "w64=" + enc64("300.")},
		{"", "fit=clip", "f=clip", "dpr=1", "dpr=1.0", "q=75", "orient=0", "or=0", "fill=solid",
			"lossless=0", "lossless=false", "rot=0", "rot=0.0", "fp-x=0.5&fp-y=0.5&fp-z=1",
			"rect=0,0,1.0,1.0", "rect=left,top,1.0,1.0", "rect=center,middle,1.0,1.0",
			"q=75&fit=clip&dpr=1.0&orient=0"},
		{"auto=format,compress", "auto=compress,format", "auto=format&auto=compress",
			"auto=compress&auto=format,compress", "auto=compress,format&q=45"},
		{"bg=f00", "bg=ff0000", "bg=FF0000", "bg=ffff0000", "bg=ff00", "bg=Red", "bg=red", "bg64=cmVk"},
		{"bg=0000", "bg=00ff0000", "bg=0fff", "bg=transparent"},
		{"bg=0f00&fill-color=00ffffff", "bg=transparent&fill-color=0000", "bg=transparent"},
		{"bg=red&fill-color=red", "bg=red&fillcolor=f00", "bg=red"},
		{"orient=6", "orient=90", "or=6", "or=90"},
		{"orient=3", "orient=180"},
		{"orient=8", "orient=270"},
		{"q=0", "q=1", "q=00"},
		{"ar=16:9", "ar=32:18", "ar=1.7777777777777777:1"},
		{"ar=2:1", "ar=1:0.5", "ar=2.0:1.0"},
		{"rect=left,top,10,10", "rect=0,0,10,10", "rect=0.0,0.0,10,10", "rect=left,0.0,10,10"},
		{"rect=center,20,1.0,10", "rect=0,20,1.0,10", "rect=right,20,1.0,10"},
		{"fm=jpg", "fm=jpeg"},
		{"flip=hv", "flip=vh"},
		{"crop=top,left", "crop=left,top", "crop=left,top,left"},
		{"fp-x=0.2", "fp-x=0.2&fp-y=0.5", "fp-x=0.20&fp-z=1.0"},
		{"max-w=100", "max-width=100", "max-w=0100"},
	}
	for _, g := range groups {
		first, err := parseRawQuery(t, g[0])
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", g[0], err)
			continue
		}
		for _, q := range g[1:] {
			p, err := parseRawQuery(t, q)
			if err != nil {
				t.Errorf("ParseQuery(%q): %v", q, err)
				continue
			}
			if !reflect.DeepEqual(p, first) {
				t.Errorf("ParseQuery(%q) = %#v\ndiffers from ParseQuery(%q) = %#v", q, p, g[0], first)
			}
			if p.Encode() != first.Encode() {
				t.Errorf("Encode differs: %q for %q, %q for %q", p.Encode(), q, first.Encode(), g[0])
			}
		}
	}
}

func TestParamsEncode(t *testing.T) {
	tests := []struct {
		query string
		want  string
	}{
		{"", ""},
		{"w=300&h=200.0", "h=200&w=300"},
		{"width=300&height=200.0&fit=clip&auto=compress,format&q=45&bg=RED",
			"auto=format%2Ccompress&bg=ff0000&h=200&w=300"},
		{"ar=16:9&fit=crop", "ar=1.7777777777777777%3A1&fit=crop"},
		{"ar=3:2", "ar=1.5%3A1"},
		{"rect=0.0,0.25,1,0.5", "rect=0%2C0.25%2C1%2C0.5"},
		{"rect=center,bottom,1.0,100", "rect=0%2Cbottom%2C1.0%2C100"},
		{"rect=right,middle,0.5,1.0", "rect=right%2C0%2C0.5%2C1.0"},
		{"rect=right,middle,0.5,0.5", "rect=right%2Cmiddle%2C0.5%2C0.5"},
		{"fp-x=0.25&crop=focalpoint&fit=crop", "crop=focalpoint&fit=crop&fp-x=0.25"},
		{"fp-y=0.1&fp-z=2", "fp-y=0.1&fp-z=2"},
		{"bg=80ff0000&fill-color=00f", "bg=80ff0000&fill-color=0000ff"},
		{"bg=transparent", "bg=00000000"},
		{"dl=My+Photo%26Co.jpg", "dl=My+Photo%26Co.jpg"},
		{"dl=%C3%A9t%C3%A9.jpg", "dl=%C3%A9t%C3%A9.jpg"},
		{"dpr=2.50&q=0&orient=90&rot=270&flip=vh&lossless=true&fm=jpeg",
			"dpr=2.5&flip=hv&fm=jpg&lossless=1&orient=6&q=1&rot=270"},
		{"flip=h", "flip=h"},
		{"flip=v&fm=png", "flip=v&fm=png"},
		{"min-width=10&max-width=20&min-height=30&max-height=40", "max-h=40&max-w=20&min-h=30&min-w=10"},
		{"crop=right,bottom,focalpoint", "crop=bottom%2Cright%2Cfocalpoint"},
		{"crop=top,left", "crop=top%2Cleft"},
		{"q=75&auto=compress", "auto=compress&q=75"},
		{"auto=format", "auto=format"},
		{"w=0.000001&h=1", "h=1&w=0.000001"},
		{"fm=gif&fit=fillmax&w=100&h=100", "fit=fillmax&fm=gif&h=100&w=100"},
		{"q=60&fm=avif", "fm=avif&q=60"},
	}
	for _, tt := range tests {
		p, err := parseRawQuery(t, tt.query)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.query, err)
			continue
		}
		got := p.Encode()
		if got != tt.want {
			t.Errorf("ParseQuery(%q).Encode() = %q, want %q", tt.query, got, tt.want)
		}
		checkRoundTrip(t, p)
	}
}

// checkRoundTrip checks that p.Encode() is in url.Values.Encode form and
// parses back to p.
func checkRoundTrip(t *testing.T, p Params) {
	t.Helper()
	enc := p.Encode()
	q, err := url.ParseQuery(enc)
	if err != nil {
		t.Fatalf("url.ParseQuery(%q): %v", enc, err)
	}
	if q.Encode() != enc {
		t.Errorf("Encode() = %q is not in url.Values form %q", enc, q.Encode())
	}
	back, err := ParseQuery(q)
	if err != nil {
		t.Fatalf("ParseQuery(%q) of %#v: %v", enc, p, err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip through %q\n got %#v\nwant %#v", enc, back, p)
	}
}

// TestEncodeEveryField sets every field at once, so that Encode's hand-kept
// name order is checked against url.Values.Encode's.
func TestEncodeEveryField(t *testing.T) {
	q := url.Values{}
	for canon, v := range paramSamples {
		q.Set(canon, v)
	}
	q.Set("auto", "format,compress")
	q.Set("flip", "hv")
	p, err := ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	const want = "ar=1.7777777777777777%3A1&auto=format%2Ccompress&bg=ff0000&ch=dpr%2Cwidth&crop=top%2Cleft" +
		"&dl=a+b.jpg&dpr=2&fill-color=0000ff&fit=crop&flip=hv&fm=webp&fp-x=0.3&fp-y=0.7&fp-z=2" +
		"&h=200&lossless=1&max-h=40&max-w=30&min-h=20&min-w=10&orient=6&q=60" +
		"&rect=0%2C0.5%2C0.5%2C100&rot=90&w=300"
	if got := p.Encode(); got != want {
		t.Errorf("Encode() =\n%s\nwant\n%s", got, want)
	}
	checkRoundTrip(t, p)
}

// TestEncodeHandBuilt covers Params not produced by ParseQuery.
func TestEncodeHandBuilt(t *testing.T) {
	tests := []struct {
		p    Params
		want string
	}{
		{Params{}, ""},
		{Params{Fit: FitClip}, "fit=clip"},
		{Params{Rect: &Rect{X: 0.5, W: 1, H: 1, Fraction: rectFracX | rectFracW | rectFracH}},
			"rect=0.5%2C0%2C1.0%2C1.0"},
		{Params{Rect: &Rect{X: 3, Y: 4, W: 1, H: 1}}, "rect=3%2C4%2C1%2C1"},
		{Params{FocalPoint: &FocalPoint{X: 0.5, Y: 0.5, Z: 1}}, ""},
		{Params{Background: &color.NRGBA{R: 1, G: 2, B: 3, A: 4}}, "bg=04010203"},
	}
	for _, tt := range tests {
		if got := tt.p.Encode(); got != tt.want {
			t.Errorf("%#v.Encode() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestParamsString(t *testing.T) {
	p := Params{Width: 100, Format: PNG}
	if got, want := fmt.Sprint(p), "fm=png&w=100"; got != want {
		t.Errorf("fmt.Sprint(p) = %q, want %q", got, want)
	}
	if got := p.String(); got != p.Encode() {
		t.Errorf("String() = %q, Encode() = %q", got, p.Encode())
	}
}

func BenchmarkParseQuery(b *testing.B) {
	q, err := url.ParseQuery("w=300&h=200&fit=crop&crop=top,left&auto=format,compress&q=60&dpr=2&bg=fff")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseQuery(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParamsEncode(b *testing.B) {
	p := Params{Width: 300, Height: 200, Fit: FitCrop, Crop: CropTop | CropLeft,
		Auto: AutoFormat | AutoCompress, Quality: 60, DPR: 2,
		Background: &color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Encode()
	}
}

func TestParseQueryIgnoresSDKName(t *testing.T) {
	p, err := ParseQuery(url.Values{"w": {"300"}, "ixlib": {"go-2.0.3"}})
	if err != nil || p != (Params{Width: 300}) {
		t.Fatalf("got %+v, %v; want w=300 and ixlib ignored", p, err)
	}
}

func TestParseClientHints(t *testing.T) {
	p, err := ParseQuery(url.Values{"ch": {"save-data,width,dpr"}, "w": {"300"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientHints != HintWidth|HintDPR|HintSaveData {
		t.Errorf("ClientHints = %b", p.ClientHints)
	}
	if got := p.Encode(); got != "ch=dpr%2Csave-data%2Cwidth&w=300" {
		t.Errorf("Encode = %q", got)
	}
}
