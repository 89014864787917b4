// Package jpeg is a JPEG decoder that can shrink while it decodes.
//
// [Decode] takes a whole file in memory and returns an *image.YCbCr,
// *image.Gray or *image.CMYK at full size or at 1/2, 1/4 or 1/8 of it
// ([Options].Scale). Shrinking happens in the DCT domain, as libjpeg and
// libvips do, so a thumbnail never pays for the full-size inverse DCT.
// [ScaleFor] picks the factor for a target size and [DecodeConfig] reads
// only the headers.
//
// # Supported subset
//
// Baseline (SOF0), extended sequential (SOF1) and progressive (SOF2) Huffman
// coding with 8-bit samples; one (gray), three (YCbCr) or four (CMYK or
// YCCK, told apart by the Adobe APP14 transform flag) components; any
// sampling that image.YCbCr can represent (4:4:4, 4:2:2, 4:2:0, 4:4:0,
// 4:1:1 and 4:1:0), interleaved or non-interleaved scans, and restart
// intervals. Four-component images are converted to *image.CMYK as
// image/jpeg does: Adobe CMYK is stored inverted, and YCCK is converted to
// RGB, which is taken as CMY, with an inverted K.
//
// Arithmetic coding, 12-bit samples, lossless and hierarchical JPEG, RGB
// (Adobe transform 0 or R, G, B component ids), two-component images,
// heights defined by a DNL marker, sampling factors that image.YCbCr
// cannot represent and images of more than 2^27 pixels are rejected with an
// error wrapping [ErrUnsupported], before any pixel buffer is allocated, so
// that callers can fall back to image/jpeg and log the reason.
//
// Malformed data never panics: it yields an error wrapping [ErrFormat]. This
// includes entropy-coded data cut short by the end of the file, for which
// no partial image is returned. A marker met inside a scan ends the scan
// (or, for RSTn, the restart interval) early: the MCU in progress is
// completed with zero bits, as libjpeg does, and the remaining blocks keep
// what earlier scans gave them (nothing, in a sequential scan). A missing
// EOI after complete scans is accepted. Files with more than 500 scans are
// rejected as unsupported, since each scan costs a pass over the image.
// APPn segments other than JFIF and Adobe, and EXIF in particular, are
// skipped.
//
// # Output layout
//
// The decoder writes samples straight into the planes of the returned
// image. Planes are padded to whole MCUs, so their strides may exceed the
// visible width and the slices may extend past the visible area. No colour
// conversion or chroma upsampling is done for gray and YCbCr images.
//
// # Scaled inverse DCT
//
// The 8x8 inverse DCT is an integer Loeffler-Ligtenberg-Moschytz
// factorization with 13-bit constants and 32-bit arithmetic; columns and
// rows that hold only a DC term take a shortcut. At 1/2 and 1/4 scale a
// block yields 4x4 or 2x2 samples computed from the 4x4 or 2x2
// lowest-frequency coefficients only: evaluating the 8-point basis at the
// centre of each group of 2 or 4 output samples turns it into the 4- or
// 2-point basis, so the reduced transforms are 4-point and 2-point inverse
// DCTs with the 8-point normalization. At 1/8 scale a block yields its DC
// value, which is exactly the mean of the full-size block. Coefficients the
// reduced transform does not read are still Huffman-decoded, since that is
// the only way to find where the next one starts, but they are neither
// stored nor dequantized.
//
// Progressive files accumulate quantized coefficients over all scans and
// are transformed once at the end, with dequantization folded into the
// first pass of the inverse DCT. Each block stores only the coefficients
// the chosen scale reads (64, 16, 4 or 1 of them, 2 bytes each) plus a
// 64-bit mask of which coefficients are non-zero, which is all that
// successive-approximation refinement needs to know about the others; the
// mask also lets refinement inside an end-of-band run visit only the
// non-zero coefficients. At 1/8 scale a progressive decode thus holds
// 10 bytes per block instead of 128.
//
// # Huffman decoding
//
// Entropy-coded bits are held left-aligned in a 64-bit buffer that is
// refilled only when fewer than 32 bits remain, which is enough for one
// code and its extra bits, so the decoding loop checks the buffer once per
// coefficient. A refill loads eight bytes at once and keeps as many as fit
// up to the first 0xFF byte, found with a word-wide byte test; only at a
// 0xFF does it drop to a byte-at-a-time path that removes stuffed zero
// bytes and stops at markers, after which zero bits are supplied.
//
// Each table has a 512-entry lookup indexed by the next 9 bits giving the
// code length and symbol, with a canonical-code search for the rare longer
// codes. AC tables also have a second 512-entry table that, when a code and
// the magnitude bits that follow it fit in 9 bits together, gives the
// zero run and the signed coefficient value in a single lookup.
//
// # Restart intervals and concurrency
//
// When a large sequential scan has restart intervals and its RSTn markers
// are all present and in sequence, the intervals are decoded in parallel
// on up to min(GOMAXPROCS, 4) goroutines, each writing only its own
// blocks. Otherwise, and for progressive scans, intervals are decoded in
// order, and a damaged or missing RSTn is resynchronized at the next
// marker. The final inverse DCT of a large progressive image is split
// between goroutines by block rows in the same way. Decode waits for all
// of them before it returns.
//
// Decode and DecodeConfig are safe for concurrent use; each call has its own
// state and does not modify data.
package jpeg
