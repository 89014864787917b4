package jpeg

import (
	"bytes"
	"runtime"
	"sync"
)

// minParallelMCUs is the smallest sequential scan, in MCUs, whose restart
// intervals are decoded in parallel, and the smallest component, in
// blocks, whose final inverse DCT in a progressive image is split between
// goroutines. It is a variable so that tests can exercise the parallel
// paths on small images.
var minParallelMCUs = 4096

// maxWorkers bounds the goroutines that decode one scan.
func maxWorkers() int {
	return min(runtime.GOMAXPROCS(0), 4)
}

// restartStarts returns the offsets at which the restart intervals of the
// entropy-coded segment starting at pos begin, and the offset of the
// marker that ends the segment. ok is false unless the segment has exactly
// n intervals separated by RST0..RST7 in sequence and ends at a marker.
func restartStarts(data []byte, pos, n int) (starts []int, end int, ok bool) {
	starts = append(make([]int, 0, n), pos)
	for i := pos; ; {
		j := bytes.IndexByte(data[i:], 0xFF)
		if j < 0 || i+j+1 >= len(data) {
			return nil, 0, false
		}
		i += j
		m := data[i+1]
		switch {
		case m == 0x00 || m == 0xFF:
			i++
		case m >= mRST0 && m <= mRST7:
			if len(starts) == n || int(m-mRST0) != (len(starts)-1)%8 {
				return nil, 0, false
			}
			i += 2
			starts = append(starts, i)
		default:
			return starts, i, len(starts) == n
		}
	}
}

// scanParallel decodes the restart intervals of a sequential scan on up to
// maxWorkers goroutines; each interval writes only its own blocks. It
// returns ok == false, having decoded nothing, when the markers do not
// split the data as the header says they should (the serial path then
// copes with the damage).
func (d *decoder) scanParallel(sc []scanComp, nx, total int) (ok bool, err error) {
	ri := d.restartInterval
	n := (total + ri - 1) / ri
	starts, end, ok := restartStarts(d.data, d.pos, n)
	if !ok {
		return false, nil
	}
	workers := min(maxWorkers(), n)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		first, last := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			var br bitReader
			var blk [64]int32
			local := make([]scanComp, len(sc))
			copy(local, sc)
			for iv := first; iv < last; iv++ {
				br.reset(d.data, starts[iv])
				for i := range local {
					local[i].pred = 0
				}
				from := iv * ri
				if err := d.decodeMCUs(&br, &blk, local, nx, from, min(from+ri, total)); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return true, err
		}
	}
	d.br.reset(d.data, end)
	return true, nil
}

// forRanges calls fn on consecutive subranges that cover [0, n), on up to
// maxWorkers goroutines when work is at least minParallelMCUs, and waits
// for all of them.
func forRanges(n, work int, fn func(lo, hi int)) {
	workers := 1
	if work >= minParallelMCUs {
		workers = min(maxWorkers(), n)
	}
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}
