package resample

import (
	"image"
	"runtime"
	"sync"
	"sync/atomic"
	"weak"
)

// plane is a rectangle of 8-bit samples with c interleaved channels per
// pixel: row y starts at pix[y*stride].
type plane struct {
	pix    []byte
	stride int
	w, h   int
}

// geometry maps the output samples of one axis onto the source: the centre
// of output i is at (i+0.5)*scale+offset source samples.
type geometry struct {
	scale, offset float64
}

// mode is how a plane is resized.
type mode uint8

const (
	modeAuto    mode = iota // not decided yet
	modeCopy                // same size: rows are copied
	modeH                   // only the width changes
	modeV                   // only the height changes
	modeVH                  // vertical pass, then horizontal, fused per band
	modeHV                  // horizontal pass into a packed intermediate, then vertical
	modeNearest             // nearest neighbour
	modeScan                // no resize: check that every alpha sample is opaque
)

// planeJob is the resize of one plane.
type planeJob struct {
	src, dst  plane
	c         int  // channels per pixel: 1 or 4
	skipAlpha bool // c == 4 and the 4th channel is opaque everywhere
	mode      mode
	idx, idy  bool // the axis keeps its size and alignment: samples are copied
	simd      bool // the vector kernels can run
	wx, wy    *weights
	xs, ys    []int32 // nearest: source column (in bytes) and row per output

	inter       []uint64 // modeHV intermediate, interStride words per row
	interStride int

	transparent *atomic.Bool // modeScan: set when a pixel is not opaque
}

// task is a band of rows of one plane in one phase.
type task struct {
	plane  int32
	y0, y1 int32
}

// bandRows is the number of rows that the fused vertical-then-horizontal
// path filters vertically before filtering them horizontally.
const bandRows = vertGroup

// smallWork is the estimated cost (see plan) below which a resize runs on
// the calling goroutine alone: about 100µs.
const smallWork = 100_000

// bandWork bounds the estimated cost of one band, about 5ms, so that a
// check between bands (see ResizeCheck) stops a large resize promptly.
const bandWork = 5_000_000

// job holds everything one Resize needs besides the output image. Jobs are
// reused with all their buffers; a job is used by one Resize at a time.
type job struct {
	planes  [3]planeJob
	nplanes int
	order   mode        // modeAuto, or the pass order to use when both axes change
	wts     [4]weights  // x and y for luma (or the only plane), x and y for chroma
	maps    [4][]int32  // nearest-neighbour maps
	inter   [3][]uint64 // intermediate images of modeHV
	conv    []byte      // converted or premultiplied source pixels
	rgbaImg image.RGBA  // conv as an image, for image/draw

	transparent atomic.Bool // set by the bands of a modeScan plane

	phase   int
	tasks   []task
	next    atomic.Int32
	workers atomic.Int32
	scratch []scratch // per worker
	wg      sync.WaitGroup
	work    func() // j.run, bound once so that starting a worker does not allocate

	check func() error          // ResizeCheck's check, or nil
	err   atomic.Pointer[error] // the first error check returned
}

// stopped calls j's check, if any, and reports whether the resize must stop:
// the check failed now or earlier.
func (j *job) stopped() bool {
	if j.check == nil {
		return false
	}
	if j.err.Load() != nil {
		return true
	}
	if err := j.check(); err != nil {
		j.err.CompareAndSwap(nil, &err)
		return true
	}
	return false
}

// free holds the jobs not in use, with all their buffers. Like a
// sync.Pool it lets the garbage collector reclaim them when Resize is idle:
// a job freed before the last collection is held weakly and is gone after the
// next one. Unlike a sync.Pool, a job freed on one processor is found from
// any other, which matters as Resize's goroutine moves between processors
// while it waits for its workers.
var free struct {
	sync.Mutex
	hot   []*job              // freed since the last collection
	cold  []weak.Pointer[job] // freed before it
	watch sync.Once
}

func getJob() *job {
	free.Lock()
	defer free.Unlock()
	if n := len(free.hot); n > 0 {
		j := free.hot[n-1]
		free.hot[n-1] = nil
		free.hot = free.hot[:n-1]
		return j
	}
	for n := len(free.cold); n > 0; n-- {
		j := free.cold[n-1].Value()
		free.cold = free.cold[:n-1]
		if j != nil {
			return j
		}
	}
	j := new(job)
	j.work = j.run
	return j
}

func putJob(j *job) {
	for i := range j.planes {
		j.planes[i] = planeJob{}
	}
	j.nplanes = 0
	j.check = nil
	j.err.Store(nil)
	free.watch.Do(watchGC)
	free.Lock()
	free.hot = append(free.hot, j)
	free.Unlock()
}

// watchGC arranges for demote to run after the next garbage collection, and
// again after each one after that.
func watchGC() {
	runtime.AddCleanup(new([2]uintptr), func(struct{}) {
		demote()
		watchGC()
	}, struct{}{})
}

// demote holds the jobs freed since the last collection weakly.
func demote() {
	free.Lock()
	defer free.Unlock()
	live := free.cold[:0]
	for _, w := range free.cold {
		if w.Value() != nil {
			live = append(live, w)
		}
	}
	clear(free.cold[len(live):])
	free.cold = live
	for i, j := range free.hot {
		free.cold = append(free.cold, weak.Make(j))
		free.hot[i] = nil
	}
	free.hot = free.hot[:0]
}

// scratch is the working memory of one worker.
type scratch struct {
	rows []int16  // modeVH: rows filtered vertically, not yet horizontally
	acc  []uint64 // modeHV: sums of one output row (see vertPackedAcc)
}

// opaque reports whether every alpha sample of the 4-channel plane p is
// 255, checking large planes on all the workers.
func (j *job) opaque(p plane) bool {
	if p.w*p.h < smallWork {
		return opaque(p)
	}
	q := j.add()
	*q = planeJob{src: p, c: 4, mode: modeScan, transparent: &j.transparent}
	j.transparent.Store(false)
	j.execute(float64(p.w * p.h))
	j.nplanes--
	*q = planeJob{}
	return !j.transparent.Load()
}

// add appends a plane to resize and returns it for the caller to fill.
func (j *job) add() *planeJob {
	p := &j.planes[j.nplanes]
	j.nplanes++
	return p
}

// Relative costs of the kernels, in nanoseconds per packed multiplication
// (two multiply-adds) and per pair of output samples, measured on amd64. They
// only need to rank the two pass orders.
const (
	costVert8      = 0.54 // vert8: 8-bit rows, down a column
	costVertPacked = 0.45 // vertPacked: packed words, down a column
	costHorizFirst = 0.33 // horizPacked: 8-bit rows, along a row
	costHorizLast  = 0.60 // horiz from the int16 intermediate
	costPair       = 3.0  // per pair of outputs of a horizontal pass
)

// plan chooses the mode of p and, when both axes change, the order of the
// passes with the lower estimated cost, which it returns.
func (p *planeJob) plan(nearest bool, order mode) (cost float64) {
	sw, sh, dw, dh := p.src.w, p.src.h, p.dst.w, p.dst.h
	c := float64(p.c)
	perBlock := 4.0 // multiplications per 8 bytes in vert8
	if p.skipAlpha {
		c, perBlock = 3, 3
	}
	switch {
	case nearest:
		p.mode = modeNearest
		return float64(dw*dh) * c / 4
	case p.idx && p.idy:
		p.mode = modeCopy
		return float64(dw*dh) * c / 8
	}
	vert8 := func(rows int) float64 {
		return float64(rows) * float64(sw*p.c+7) / 8 * perBlock * float64(p.wy.taps) * costVert8
	}
	vertPacked := func(rows int) float64 {
		return float64(rows) * float64((dw+1)/2) * c * float64(p.wy.taps) * costVertPacked
	}
	horiz := func(rows int, perMul float64) float64 {
		pairs := float64(rows) * float64(len(p.wx.pstart))
		return pairs * (c*float64(p.wx.ptaps)*perMul + costPair)
	}
	p.simd = haveSIMD()
	switch {
	case p.idy:
		p.mode = modeH
		return horiz(dh, costHorizFirst)
	case p.idx:
		p.mode = modeV
		return vert8(dh)
	}
	vh := vert8(dh) + horiz(dh, costHorizLast)
	if p.simd {
		// The vertical-first order is vectorised.
		vh = vert8(dh)*costVertSIMD/costVert8 +
			float64(dh)*float64(dw)*float64((p.c*p.wx.taps+15)/16)*costHorizSIMD
	}
	hv := horiz(sh, costHorizFirst) + vertPacked(dh)
	if order == modeVH || order == modeAuto && vh < hv {
		p.mode = modeVH
		return vh
	}
	p.mode = modeHV
	p.interStride = len(p.wx.pstart) * p.c
	return hv
}

// rows returns the number of rows split into bands in the given phase, 0 or
// 1: the source rows of the horizontal pass, or the output rows.
func (p *planeJob) rows(phase int) int {
	switch {
	case phase == 0 && (p.mode == modeHV || p.mode == modeScan):
		return p.src.h
	case phase == 0 || p.mode == modeHV:
		return p.dst.h
	}
	return 0
}

// execute runs all planes of j, in parallel when the work is large enough.
func (j *job) execute(cost float64) {
	workers := runtime.GOMAXPROCS(0)
	if cost < smallWork {
		workers = 1
	}
	// Scratch memory for the workers.
	rows, acc := 0, 0
	for i := range j.nplanes {
		p := &j.planes[i]
		switch {
		case p.mode == modeVH || p.simd && (p.mode == modeH || p.mode == modeV):
			// Vector kernels read up to 16 samples past a row.
			rows = max(rows, bandRows*p.src.w*p.c+16)
		case p.mode == modeHV:
			j.inter[i] = grow(j.inter[i], p.interStride*p.src.h)
			p.inter = j.inter[i]
			acc = max(acc, p.interStride)
		}
	}
	if len(j.scratch) < workers {
		j.scratch = append(j.scratch, make([]scratch, workers-len(j.scratch))...)
	}
	for i := range workers {
		j.scratch[i].rows = grow(j.scratch[i].rows, rows)
		j.scratch[i].acc = grow(j.scratch[i].acc, acc)
	}

	for phase := range 2 {
		j.tasks = j.tasks[:0]
		for i := range j.nplanes {
			p := &j.planes[i]
			n := p.rows(phase)
			if n == 0 {
				continue
			}
			// About four bands per worker so that they even out, and
			// none much longer than bandWork.
			band := max(1, (n+4*workers-1)/(4*workers))
			if cost > bandWork {
				band = max(1, min(band, int(float64(n)*bandWork/cost)))
			}
			if p.mode == modeVH {
				band = (band + bandRows - 1) / bandRows * bandRows
			}
			for y := 0; y < n; y += band {
				j.tasks = append(j.tasks, task{int32(i), int32(y), int32(min(y+band, n))})
			}
		}
		if len(j.tasks) == 0 || j.stopped() {
			break
		}
		j.phase = phase
		j.next.Store(0)
		j.workers.Store(0)
		nw := min(workers, len(j.tasks))
		j.wg.Add(nw)
		for range nw - 1 {
			go j.work()
		}
		j.run()
		j.wg.Wait()
	}
}

// run is the body of a worker: it takes tasks until none are left.
func (j *job) run() {
	defer j.wg.Done()
	s := &j.scratch[j.workers.Add(1)-1]
	for {
		i := int(j.next.Add(1) - 1)
		if i >= len(j.tasks) || j.stopped() {
			return
		}
		t := j.tasks[i]
		j.planes[t.plane].do(j.phase, int(t.y0), int(t.y1), s)
	}
}

// do runs the rows y0..y1-1 of the given phase of p.
func (p *planeJob) do(phase, y0, y1 int, s *scratch) {
	c := p.c
	src, dst := p.src, p.dst
	dstAt := func(y int) []byte { return dst.pix[y*dst.stride:] }
	switch p.mode {
	case modeCopy:
		for y := y0; y < y1; y++ {
			copy(dst.pix[y*dst.stride:y*dst.stride+dst.w*c], src.pix[y*src.stride:])
		}
	case modeNearest:
		p.nearest(y0, y1)
	case modeScan:
		// Another band may have found a transparent pixel already.
		if !p.transparent.Load() && !opaque(plane{pix: src.pix[y0*src.stride:], stride: src.stride, w: src.w, h: y1 - y0}) {
			p.transparent.Store(true)
		}
	case modeH:
		if !(p.simd && p.horizViaRows(y0, y1, s.rows)) {
			horiz(dstAt(y0), dst.stride, src.pix, src.stride, c, p.wx, y0, y1, toU8(p.wx.prec, p.skipAlpha))
		}
	case modeV:
		if !(p.simd && p.vertViaRows(y0, y1, s.rows)) {
			vert8(dstAt(y0), dst.stride, src.pix, src.stride, src.w*c, p.wy, y0, y1, toU8(p.wy.prec, p.skipAlpha))
		}
	case modeVH:
		rowLen := src.w * c
		for y := y0; y < y1; y += bandRows {
			n := min(bandRows, y1-y)
			o := toI16(p.wy.prec, p.skipAlpha)
			if !(p.simd && vertSIMD(s.rows, rowLen, src.pix, src.stride, rowLen, p.wy, y, y+n, o)) {
				vert8(s.rows, rowLen, src.pix, src.stride, rowLen, p.wy, y, y+n, o)
			}
			o = toU8(p.wx.prec+interFrac, p.skipAlpha)
			if !(p.simd && horizSIMD(dstAt(y), dst.stride, s.rows, rowLen, c, p.wx, 0, n, o)) {
				horiz(dstAt(y), dst.stride, s.rows, rowLen, c, p.wx, 0, n, o)
			}
		}
	case modeHV:
		if phase == 0 {
			horizPacked(p.inter[y0*p.interStride:], p.interStride, src.pix, src.stride, c, p.wx, y0, y1, toI16(p.wx.prec, p.skipAlpha))
			return
		}
		o := toU8(p.wy.prec+interFrac, p.skipAlpha)
		if p.wy.taps <= accTaps {
			vertPackedAcc(dstAt(y0), dst.stride, p.inter, p.interStride, dst.w, c, p.wy, y0, y1, o, s.acc)
		} else {
			vertPacked(dstAt(y0), dst.stride, p.inter, p.interStride, dst.w, c, p.wy, y0, y1, o)
		}
	}
}

// vertViaRows is the vertical-only pass (modeV) with the vector kernels:
// each band of output rows is filtered into the int16 rows and then rounded
// to 8 bits. It reports false, having done nothing, when vertSIMD cannot
// be used.
func (p *planeJob) vertViaRows(y0, y1 int, rows []int16) bool {
	rowLen := p.src.w * p.c
	o := toI16(p.wy.prec, p.skipAlpha)
	for y := y0; y < y1; y += bandRows {
		n := min(bandRows, y1-y)
		// vertSIMD refuses for reasons that do not depend on the rows: the
		// first band decides.
		if !vertSIMD(rows, rowLen, p.src.pix, p.src.stride, rowLen, p.wy, y, y+n, o) {
			return false
		}
		for i := range n {
			narrow(p.dst.pix[(y+i)*p.dst.stride:][:rowLen], rows[i*rowLen:(i+1)*rowLen])
		}
	}
	return true
}

// narrow rounds intermediate samples to 8 bits.
func narrow(dst []byte, src []int16) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = byte(conv(1<<(interFrac-1), interFrac, 0, 255, int64(v)))
	}
}

// horizViaRows is the horizontal-only pass (modeH) with the vector
// kernels: each band of source rows is widened into the int16 rows and
// then filtered. It reports false, having done nothing, when horizSIMD
// cannot be used.
func (p *planeJob) horizViaRows(y0, y1 int, rows []int16) bool {
	rowLen := p.src.w * p.c
	o := toU8(p.wx.prec, p.skipAlpha)
	for y := y0; y < y1; y += bandRows {
		n := min(bandRows, y1-y)
		for i := range n {
			widen(rows[i*rowLen:(i+1)*rowLen], p.src.pix[(y+i)*p.src.stride:][:rowLen])
		}
		// horizSIMD refuses for reasons that do not depend on the rows: the
		// first band decides.
		if !horizSIMD(p.dst.pix[y*p.dst.stride:], p.dst.stride, rows, rowLen, p.c, p.wx, 0, n, o) {
			return false
		}
	}
	return true
}

// widen copies 8-bit samples into int16 ones.
func widen(dst []int16, src []byte) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = int16(v)
	}
}

// nearest copies the nearest source pixel into each output pixel of rows
// y0..y1-1.
func (p *planeJob) nearest(y0, y1 int) {
	c := p.c
	for y := y0; y < y1; y++ {
		srow := p.src.pix[int(p.ys[y])*p.src.stride:]
		drow := p.dst.pix[y*p.dst.stride:]
		drow = drow[:p.dst.w*c]
		if c == 1 {
			for x, sx := range p.xs {
				drow[x] = srow[sx]
			}
			continue
		}
		for x, sx := range p.xs {
			copy(drow[4*x:4*x+4], srow[sx:sx+4])
		}
	}
}
