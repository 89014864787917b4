package transform

import "image"

// orientation is one of the eight symmetries of a rectangle, the same set as
// the EXIF orientation values. It is stored as "transpose the raw image, then
// flip it horizontally and/or vertically", which composes cheaply and maps
// rectangles back to raw coordinates without touching pixels.
type orientation struct {
	transpose, flipH, flipV bool
}

// exifOrientation returns the orientation for an EXIF value 1..8; any other
// value is the identity.
func exifOrientation(v int) orientation {
	switch v {
	case 2:
		return orientation{flipH: true}
	case 3:
		return orientation{flipH: true, flipV: true}
	case 4:
		return orientation{flipV: true}
	case 5:
		return orientation{transpose: true}
	case 6:
		return orientation{transpose: true, flipH: true}
	case 7:
		return orientation{transpose: true, flipH: true, flipV: true}
	case 8:
		return orientation{transpose: true, flipV: true}
	}
	return orientation{}
}

// exif returns the EXIF value 1..8 of o.
func (o orientation) exif() int {
	for v := 1; v <= 8; v++ {
		if exifOrientation(v) == o {
			return v
		}
	}
	return 1 // unreachable: the eight values cover every orientation
}

// matrix returns o as a 2x2 matrix acting on centred (x, y) coordinates.
func (o orientation) matrix() [2][2]int {
	m := [2][2]int{{1, 0}, {0, 1}}
	if o.transpose {
		m = [2][2]int{{0, 1}, {1, 0}}
	}
	if o.flipH {
		m[0][0], m[0][1] = -m[0][0], -m[0][1]
	}
	if o.flipV {
		m[1][0], m[1][1] = -m[1][0], -m[1][1]
	}
	return m
}

// then returns the orientation that applies o first and next second.
func (o orientation) then(next orientation) orientation {
	a, b := o.matrix(), next.matrix()
	var m [2][2]int
	for i := range 2 {
		for j := range 2 {
			m[i][j] = b[i][0]*a[0][j] + b[i][1]*a[1][j]
		}
	}
	if m[0][0] == 0 {
		return orientation{transpose: true, flipH: m[0][1] < 0, flipV: m[1][0] < 0}
	}
	return orientation{flipH: m[0][0] < 0, flipV: m[1][1] < 0}
}

// size returns the size of a raw image of size raw once oriented.
func (o orientation) size(raw image.Point) image.Point {
	if o.transpose {
		return image.Pt(raw.Y, raw.X)
	}
	return raw
}

// rawRect maps r, a rectangle in the oriented image of size oriented, back to
// the raw image's coordinates.
func (o orientation) rawRect(r image.Rectangle, oriented image.Point) image.Rectangle {
	if o.flipH {
		r.Min.X, r.Max.X = oriented.X-r.Max.X, oriented.X-r.Min.X
	}
	if o.flipV {
		r.Min.Y, r.Max.Y = oriented.Y-r.Max.Y, oriented.Y-r.Min.Y
	}
	if o.transpose {
		r = image.Rect(r.Min.Y, r.Min.X, r.Max.Y, r.Max.X)
	}
	return r
}

// userOrientation composes what Params asks for on top of the source's EXIF
// orientation: orient (which replaces EXIF), then rot, then flip.
func userOrientation(exif int, p Params) orientation {
	o := exifOrientation(exif)
	if p.Orient != 0 {
		o = exifOrientation(p.Orient)
	}
	switch p.Rotate {
	case 90:
		o = o.then(exifOrientation(6))
	case 180:
		o = o.then(exifOrientation(3))
	case 270:
		o = o.then(exifOrientation(8))
	}
	if p.FlipH {
		o = o.then(exifOrientation(2))
	}
	if p.FlipV {
		o = o.then(exifOrientation(4))
	}
	return o
}
