package transform

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Bounds of an ImageKit transformation string, so that an overlong chain is
// refused before any work.
const (
	MaxImageKitBytes = 1024 // the whole tr value
	MaxImageKitSteps = 10   // steps separated by ':'
)

// ParseImageKit parses an ImageKit transformation, the part after "tr:" in a
// URL path (/tr:w-300,h-200:rt-90/photo.jpg) or the value of ?tr=, into the
// steps it chains. Steps are separated by ':' and applied left to right (so
// w-400:rt-90 differs from rt-90:w-400); parameters within a step by ','; a
// parameter is key-value with a leading N for negative numbers (rt-N90).
//
// Each step is translated to imgix parameters and parsed by [ParseQuery], so
// values are checked and normalised exactly as in the imgix dialect:
//
//	w-300, h-200        w, h (0..1 are fractions); w-auto: ch=width
//	ar-4-3              ar=4:3
//	c-maintain_ratio    fit=crop; c-force: scale; c-at_max: max;
//	                    c-at_max_enlarge: clip; c-at_least: min
//	cm-pad_resize       fit=fill
//	cm-extract          rect: a w x h region at x-, y- (top-left), at
//	                    xc-, yc- (centre), or anchored by fo-, not resized
//	fo-top_left ...     crop=top,left (center, top, bottom, left, right and
//	                    their corners)
//	dpr-2, dpr-auto     dpr; dpr-auto: ch=dpr
//	f-webp, f-auto      fm (jpg, png, gif, webp, avif); auto=format; f-orig: the
//	                    source's format
//	q-80, lo-true       q; lossless
//	bg-FF0000           bg: RRGGBB, or RRGGBBAA with AA an opacity in
//	                    percent (00..99), or a colour name
//	rt-90, rt-N90       rot (multiples of 90); rt-auto: the EXIF orientation
//	fl-h, fl-v, fl-h_v  flip
//
// ImageKit parameters Rendition does not implement yet (blur, effects,
// borders, radius, trim, overlays, named transformations, ...) are refused
// with "not supported yet"; unknown ones as unknown. Every error is a
// [*ParamError] whose Param is "tr:" and the ImageKit key.
func ParseImageKit(tr string) ([]Params, error) {
	if len(tr) > MaxImageKitBytes {
		return nil, &ParamError{Param: "tr", Reason: fmt.Sprintf("longer than %d bytes", MaxImageKitBytes)}
	}
	if tr == "" {
		return nil, &ParamError{Param: "tr", Reason: "empty transformation"}
	}
	parts := strings.Split(tr, ":")
	if len(parts) > MaxImageKitSteps {
		return nil, &ParamError{Param: "tr", Value: tr, Reason: fmt.Sprintf("more than %d chained steps", MaxImageKitSteps)}
	}
	steps := make([]Params, 0, len(parts))
	for _, part := range parts {
		p, err := parseImageKitStep(part)
		if err != nil {
			return nil, err
		}
		steps = append(steps, p)
	}
	return steps, nil
}

// imageKitStep collects one step's parameters as imgix parameters.
type imageKitStep struct {
	q       url.Values
	imgix   map[string]string // imgix name -> ImageKit key, for errors
	extract bool              // cm-extract
	x, y    string            // x-, y- or xc-, yc- values
	centre  bool              // x and y are xc-, yc-
	focus   string            // fo- value
}

func (s *imageKitStep) set(imgixName, value, key string) *ParamError {
	if _, dup := s.q[imgixName]; dup {
		return &ParamError{Param: "tr:" + key, Value: value, Reason: reasonRepeated}
	}
	s.q.Set(imgixName, value)
	s.imgix[imgixName] = key
	return nil
}

func parseImageKitStep(part string) (Params, error) {
	if part == "" {
		return Params{}, &ParamError{Param: "tr", Reason: "empty step"}
	}
	s := imageKitStep{q: url.Values{}, imgix: map[string]string{}}
	seen := map[string]bool{}
	for item := range strings.SplitSeq(part, ",") {
		key, value, ok := strings.Cut(item, "-")
		if !ok || key == "" || value == "" {
			return Params{}, &ParamError{Param: "tr", Value: item, Reason: "not key-value"}
		}
		if seen[key] {
			return Params{}, &ParamError{Param: "tr:" + key, Value: value, Reason: reasonRepeated}
		}
		seen[key] = true
		if err := s.add(key, value); err != nil {
			return Params{}, err
		}
	}
	if err := s.finishExtract(); err != nil {
		return Params{}, err
	}
	// ImageKit's default crop strategy, maintain_ratio, gives exactly the
	// box asked for: imgix's fit=crop.
	if _, set := s.q["fit"]; !set && (s.q.Has("w") && s.q.Has("h") || s.q.Has("ar")) {
		s.q.Set("fit", "crop")
	}
	p, err := ParseQuery(s.q)
	if err != nil {
		if pe, ok := err.(*ParamError); ok {
			if key, ok := s.imgix[pe.Param]; ok {
				pe.Param = "tr:" + key
			}
		}
		return Params{}, err
	}
	return p, nil
}

// add translates one ImageKit parameter.
func (s *imageKitStep) add(key, value string) *ParamError {
	bad := func(reason string) *ParamError { return &ParamError{Param: "tr:" + key, Value: value, Reason: reason} }
	num := negative(value)
	switch key {
	case "w", "h":
		if value == "auto" {
			if key == "h" {
				return bad("auto is only for w")
			}
			return s.set("ch", "width", key)
		}
		return s.set(key, value, key)
	case "ar":
		w, h, ok := strings.Cut(value, "-")
		if !ok {
			return bad("must be W-H, as ar-4-3")
		}
		return s.set("ar", w+":"+h, key)
	case "c":
		fit, ok := map[string]string{"maintain_ratio": "crop", "force": "scale", "at_max": "max",
			"at_max_enlarge": "clip", "at_least": "min"}[value]
		if !ok {
			return bad("must be maintain_ratio, force, at_max, at_max_enlarge or at_least")
		}
		return s.set("fit", fit, key)
	case "cm":
		switch value {
		case "pad_resize":
			return s.set("fit", "fill", key)
		case "extract":
			s.extract = true
			return nil
		case "pad_extract":
			return bad(reasonUnsupported)
		}
		return bad("must be pad_resize or extract")
	case "fo":
		switch value {
		case "auto", "face", "custom":
			return bad(reasonUnsupported)
		}
		crop, ok := imageKitFocus[value]
		if !ok {
			return bad("must be center, top, left, bottom, right or a corner such as top_left")
		}
		s.focus = value
		if crop == "" {
			return nil
		}
		return s.set("crop", crop, key)
	case "x", "y":
		if s.centre {
			return bad("cannot be combined with xc and yc")
		}
		*s.coord(key) = num
		return nil
	case "xc", "yc":
		if (s.x != "" || s.y != "") && !s.centre {
			return bad("cannot be combined with x and y")
		}
		s.centre = true
		*s.coord(key[:1]) = num
		return nil
	case "dpr":
		if value == "auto" {
			return s.set("ch", "dpr", key)
		}
		return s.set("dpr", value, key)
	case "f":
		switch value {
		case "auto":
			return s.set("auto", "format", key)
		case "orig":
			return nil
		}
		return s.set("fm", value, key)
	case "q":
		return s.set("q", value, key)
	case "lo":
		return s.set("lossless", value, key)
	case "bg":
		c, err := imageKitColor(value)
		if err != "" {
			return bad(err)
		}
		return s.set("bg", c, key)
	case "rt":
		if value == "auto" {
			return nil // the EXIF orientation is always applied
		}
		deg, err := strconv.Atoi(num)
		if err != nil {
			return bad("must be a number of degrees or auto")
		}
		return s.set("rot", strconv.Itoa(((deg%360)+360)%360), key)
	case "fl":
		flip, ok := map[string]string{"h": "h", "v": "v", "h_v": "hv", "v_h": "hv"}[value]
		if !ok {
			return bad("must be h, v or h_v")
		}
		return s.set("flip", flip, key)
	case "pr", "z", "bl", "e", "t", "o", "b", "r", "n", "l", "md", "cp", "orig", "i", "lx", "ly",
		"lfo", "raw", "di", "ote", "otf", "ots", "otc", "ofo", "oh", "ow", "oi", "ot", "ox", "oy", "oa", "ob":
		return bad(reasonUnsupported)
	}
	return &ParamError{Param: "tr:" + key, Value: value, Reason: reasonUnknown}
}

// imageKitFocus maps fo- values to imgix crop anchors ("" is the centre).
var imageKitFocus = map[string]string{
	"center": "", "top": "top", "bottom": "bottom", "left": "left", "right": "right",
	"top_left": "top,left", "top_right": "top,right", "bottom_left": "bottom,left", "bottom_right": "bottom,right",
}

func (s *imageKitStep) coord(axis string) *string {
	if axis == "x" {
		return &s.x
	}
	return &s.y
}

// finishExtract turns cm-extract (a region of w x h, not resized) into rect.
func (s *imageKitStep) finishExtract() *ParamError {
	if !s.extract {
		if s.x != "" || s.y != "" {
			return &ParamError{Param: "tr:x", Value: s.x + s.y, Reason: "x, y, xc and yc need cm-extract"}
		}
		return nil
	}
	w, h := s.q.Get("w"), s.q.Get("h")
	if w == "" || h == "" {
		return &ParamError{Param: "tr:cm", Value: "extract", Reason: "needs w and h"}
	}
	s.q.Del("w")
	s.q.Del("h")
	x, y := s.x, s.y
	switch {
	case s.centre:
		// rect takes the top-left corner: move it from the centre when
		// both are pixels; fractions are refused rather than guessed.
		wi, errW := strconv.Atoi(w)
		hi, errH := strconv.Atoi(h)
		xi, errX := strconv.Atoi(orZero(x))
		yi, errY := strconv.Atoi(orZero(y))
		if errW != nil || errH != nil || errX != nil || errY != nil {
			return &ParamError{Param: "tr:xc", Value: x + "," + y, Reason: "xc and yc need whole pixel values of w, h, xc and yc"}
		}
		x, y = strconv.Itoa(max(0, xi-wi/2)), strconv.Itoa(max(0, yi-hi/2))
	case x == "" && y == "":
		x, y = focusAlign(s.focus)
		s.q.Del("crop")
		delete(s.imgix, "crop")
	}
	s.q.Set("rect", orZero(x)+","+orZero(y)+","+w+","+h)
	s.imgix["rect"] = "cm"
	return nil
}

// focusAlign returns rect's x and y words for an fo- value.
func focusAlign(fo string) (x, y string) {
	x, y = "center", "middle"
	if strings.Contains(fo, "left") {
		x = "left"
	} else if strings.Contains(fo, "right") {
		x = "right"
	}
	if strings.Contains(fo, "top") {
		y = "top"
	} else if strings.Contains(fo, "bottom") {
		y = "bottom"
	}
	return x, y
}

func orZero(v string) string {
	if v == "" {
		return "0"
	}
	return v
}

// negative turns ImageKit's N prefix into a minus sign.
func negative(v string) string {
	if rest, ok := strings.CutPrefix(v, "N"); ok {
		return "-" + rest
	}
	return v
}

// imageKitColor converts an ImageKit colour to an imgix one: RRGGBB stays,
// RRGGBBAA (AA an opacity percentage 00..99) becomes AARRGGBB, names stay.
func imageKitColor(v string) (string, string) {
	if len(v) == 8 && isHex(v[:6]) {
		pct, err := strconv.Atoi(v[6:])
		if err != nil || pct < 0 || pct > 99 {
			return "", "the last two digits of RRGGBBAA are an opacity from 00 to 99"
		}
		return fmt.Sprintf("%02x", (pct*255+50)/99) + v[:6], ""
	}
	return v, ""
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
