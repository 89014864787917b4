//go:build !(goexperiment.simd && amd64)

package resample

// Without GOEXPERIMENT=simd on amd64 there are no vector kernels.

const (
	costVertSIMD  = costVert8
	costHorizSIMD = costHorizLast
)

func haveSIMD() bool { return false }

func vertSIMD(dst []int16, dstStride int, src []byte, srcStride, rowLen int, wt *weights, y0, y1 int, o out) bool {
	return false
}

func horizSIMD(dst []byte, dstStride int, src []int16, srcStride, c int, wt *weights, y0, y1 int, o out) bool {
	return false
}
