package transform

import (
	"strconv"
	"strings"
)

// Fingerprint returns a short string naming every setting of o that can
// change what [Render] answers for the same source and Params, its output
// bytes or its error: the kernel, every limit and the AVIF switch. Defaults
// are filled in first, so a nil *Options, the zero Options and Options that
// spell the defaults out have the same fingerprint. A cache shared by
// servers whose settings may differ keys derivatives on it, so that none
// serves another's outputs.
//
// A kernel is identified by its Name and Support: a custom kernel needs a
// name of its own, since At, a function, cannot be compared. Every field
// added to Options must be covered here (a test fails otherwise).
func (o *Options) Fingerprint() string {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.Kernel.Name == "" && opts.Kernel.At == nil {
		opts.Kernel = Lanczos3
	}
	lim := opts.Limits.WithDefaults()
	var b strings.Builder
	b.WriteString("kernel=")
	b.WriteString(strconv.Quote(opts.Kernel.Name))
	b.WriteByte('/')
	b.WriteString(strconv.FormatFloat(opts.Kernel.Support, 'g', -1, 64))
	b.WriteString(";avif=")
	b.WriteString(strconv.FormatBool(opts.AVIF))
	b.WriteString(";limits=")
	for i, v := range []int64{
		lim.MaxSourcePixels, int64(lim.MaxSourceSide), lim.MaxSourceBytes,
		int64(lim.MaxFrames), lim.MaxOutputPixels, int64(lim.MaxOutputSide),
		lim.MaxChainPixels, lim.MaxLosslessWebPPixels, lim.MaxWebPPixels, lim.MaxAVIFPixels,
		int64(lim.MaxRenderTime),
	} {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(v, 10))
	}
	return b.String()
}
