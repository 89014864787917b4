package jpeg

import (
	"image"
	"image/color"
)

// checkOutput reports, before any pixel is decoded, a color
// interpretation or sampling that image cannot return.
func (d *decoder) checkOutput() error {
	switch d.ncomp {
	case 3:
		if d.isRGB() {
			return unsupported("RGB color transform")
		}
		if _, ok := d.ycbcrRatio(); !ok {
			return unsupported("sampling factors " + d.subsampling())
		}
	case 4:
		if !d.adobe {
			return unsupported("4-component JPEG without Adobe APP14 segment")
		}
	}
	return nil
}

// image wraps the decoded planes in an image of the scaled size.
func (d *decoder) image() (image.Image, error) {
	w := (d.width + d.scale - 1) / d.scale
	h := (d.height + d.scale - 1) / d.scale
	rect := image.Rect(0, 0, w, h)
	switch d.ncomp {
	case 1:
		c := &d.comp[0]
		return &image.Gray{Pix: c.plane, Stride: c.stride, Rect: rect}, nil
	case 3:
		ratio, _ := d.ycbcrRatio() // validated by checkOutput
		y, cb, cr := &d.comp[0], &d.comp[1], &d.comp[2]
		return &image.YCbCr{
			Y:              y.plane,
			Cb:             cb.plane,
			Cr:             cr.plane,
			YStride:        y.stride,
			CStride:        cb.stride,
			SubsampleRatio: ratio,
			Rect:           rect,
		}, nil
	default:
		return d.cmyk(rect)
	}
}

// ycbcrRatio maps the frame's sampling factors to an image.YCbCr ratio.
func (d *decoder) ycbcrRatio() (image.YCbCrSubsampleRatio, bool) {
	switch d.subsampling() {
	case "4:4:4":
		return image.YCbCrSubsampleRatio444, true
	case "4:2:2":
		return image.YCbCrSubsampleRatio422, true
	case "4:2:0":
		return image.YCbCrSubsampleRatio420, true
	case "4:4:0":
		return image.YCbCrSubsampleRatio440, true
	case "4:1:1":
		return image.YCbCrSubsampleRatio411, true
	case "4:1:0":
		return image.YCbCrSubsampleRatio410, true
	}
	return 0, false
}

// cmyk interleaves a 4-component frame into an *image.CMYK. As in
// image/jpeg, a file without an Adobe APP14 segment is unsupported, Adobe
// transform 0 means inverted CMYK and any other transform means YCCK with
// an inverted K channel.
func (d *decoder) cmyk(rect image.Rectangle) (image.Image, error) {
	img := image.NewCMYK(rect)
	w, h := rect.Dx(), rect.Dy()
	ycck := d.adobeTransform != 0
	var rows [4][]byte
	for y := 0; y < h; y++ {
		if y%64 == 0 {
			if err := d.poll(); err != nil {
				return nil, err
			}
		}
		for i := range rows {
			c := &d.comp[i]
			sy := y * c.v / d.vmax
			rows[i] = c.plane[sy*c.stride : (sy+1)*c.stride]
		}
		out := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			var s [4]byte
			for i := range s {
				c := &d.comp[i]
				s[i] = rows[i][x*c.h/d.hmax]
			}
			p := out[4*x : 4*x+4 : 4*x+4]
			if ycck {
				r, g, b := color.YCbCrToRGB(s[0], s[1], s[2])
				p[0], p[1], p[2] = r, g, b
			} else {
				p[0], p[1], p[2] = 255-s[0], 255-s[1], 255-s[2]
			}
			p[3] = 255 - s[3]
		}
	}
	return img, nil
}
