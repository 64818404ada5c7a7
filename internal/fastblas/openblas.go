package fastblas

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// LibraryName is the shared object [OpenBLAS] opens.
const LibraryName = "libopenblas.so.0"

// OpenBLAS is a tensor.BLAS whose Sgemm and Dgemm call OpenBLAS's Fortran
// entry points sgemm_ and dgemm_; the rest is gonum's.
type OpenBLAS struct {
	gonum.Implementation
	sgemm, dgemm uintptr
	config       string
	setThreads   func(int32)
	getThreads   func() int32
	coreType     string // the OPENBLAS_CORETYPE Open set, or ""
}

// gemmArgs holds the scalars passed by reference to sgemm_/dgemm_. It lives
// on the heap (pooled), whose objects Go's collector never moves, so
// pointers into it stay valid during the call.
type gemmArgs struct {
	transA, transB byte
	m, n, k        int32
	lda, ldb, ldc  int32
	alpha, beta    [8]byte // float32 or float64, by reference
	// The matrices, held here during the call: a pointer stored in a heap
	// object keeps the caller's slices on the heap (never on a stack that
	// could move), as the uintptr arguments alone would not.
	first, second, c unsafe.Pointer
	// The arguments of SyscallN, kept here: a variadic list built at the
	// call would be allocated each time.
	args [13]uintptr
}

var argPool = sync.Pool{New: func() any { return new(gemmArgs) }}

// Open loads OpenBLAS from path (LibraryName when empty). It fails with an
// error, never a panic, when the library or its symbols are missing.
func Open(path string) (*OpenBLAS, error) {
	if path == "" {
		path = LibraryName
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" && runtime.GOOS != "freebsd" {
		return nil, fmt.Errorf("fastblas: OpenBLAS loading is not supported on %s", runtime.GOOS)
	}
	o := &OpenBLAS{}
	// The library reads its CPU type once, when it is loaded.
	if _, set := os.LookupEnv(CoreTypeEnv); !set {
		if o.coreType = coreTypeFor(thisCPU()); o.coreType != "" {
			if err := os.Setenv(CoreTypeEnv, o.coreType); err != nil {
				return nil, fmt.Errorf("fastblas: setting %s: %w", CoreTypeEnv, err)
			}
		}
	}
	lib, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("fastblas: opening %s: %w", path, err)
	}
	for _, s := range []struct {
		name string
		dst  *uintptr
	}{{"sgemm_", &o.sgemm}, {"dgemm_", &o.dgemm}} {
		if *s.dst, err = purego.Dlsym(lib, s.name); err != nil {
			return nil, fmt.Errorf("fastblas: %s has no %s: %w", path, s.name, err)
		}
	}
	if _, err := purego.Dlsym(lib, "openblas_get_config"); err == nil {
		var getConfig func() string
		purego.RegisterLibFunc(&getConfig, lib, "openblas_get_config")
		o.config = getConfig()
	}
	if o.config == "" {
		o.config = path
	}
	if o.coreType != "" {
		o.config += " (" + CoreTypeEnv + "=" + o.coreType + ": this AMD CPU's AVX-512 kernels)"
	}
	if _, err := purego.Dlsym(lib, "openblas_get_num_threads"); err == nil {
		purego.RegisterLibFunc(&o.getThreads, lib, "openblas_get_num_threads")
	}
	if _, err := purego.Dlsym(lib, "openblas_set_num_threads"); err == nil {
		purego.RegisterLibFunc(&o.setThreads, lib, "openblas_set_num_threads")
		// OpenBLAS starts a thread for every CPU the process may run on,
		// blind to a container's CPU quota; Go's GOMAXPROCS heeds it. Where
		// the user has not chosen, OpenBLAS gets as many threads as Go.
		if os.Getenv("OPENBLAS_NUM_THREADS") == "" && os.Getenv("OMP_NUM_THREADS") == "" {
			o.SetThreads(runtime.GOMAXPROCS(0))
		}
	}
	return o, nil
}

// SetThreads sets the number of threads OpenBLAS uses for one call (a
// process-wide setting of the library). It reports false when the library
// has no openblas_set_num_threads.
func (o *OpenBLAS) SetThreads(n int) bool {
	if o.setThreads == nil {
		return false
	}
	o.setThreads(int32(max(n, 1)))
	return true
}

// Threads returns the number of threads OpenBLAS uses for one call; ok is
// false when the library has no openblas_get_num_threads.
func (o *OpenBLAS) Threads() (n int, ok bool) {
	if o.getThreads == nil {
		return 0, false
	}
	return int(o.getThreads()), true
}

// String describes the library, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...".
func (o *OpenBLAS) String() string { return o.config }

func transChar(t blas.Transpose) byte {
	if t == blas.NoTrans {
		return 'N'
	}
	return 'T'
}

// checkGemm repeats gonum's argument checks, since C checks nothing.
func checkGemm(tA, tB blas.Transpose, m, n, k, lda, ldb, ldc, la, lb, lc int) {
	if tA != blas.NoTrans && tA != blas.Trans && tA != blas.ConjTrans {
		panic("blas: illegal transpose")
	}
	if tB != blas.NoTrans && tB != blas.Trans && tB != blas.ConjTrans {
		panic("blas: illegal transpose")
	}
	if m < 0 || n < 0 || k < 0 {
		panic("blas: negative dimension")
	}
	rowA, colA := m, k
	if tA != blas.NoTrans {
		rowA, colA = k, m
	}
	rowB, colB := k, n
	if tB != blas.NoTrans {
		rowB, colB = n, k
	}
	if lda < max(1, colA) || ldb < max(1, colB) || ldc < max(1, n) {
		panic("blas: bad leading dimension")
	}
	if la < lda*(rowA-1)+colA || lb < ldb*(rowB-1)+colB || lc < ldc*(m-1)+n {
		panic("blas: insufficient length of a slice")
	}
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C in row-major order. A
// row-major product is the column-major product of the transposes with A
// and B swapped, which is what the Fortran routine receives.
func (o *OpenBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		o.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c))
	p := argPool.Get().(*gemmArgs)
	*p = gemmArgs{transA: transChar(tB), transB: transChar(tA), m: int32(n), n: int32(m), k: int32(k),
		lda: int32(ldb), ldb: int32(lda), ldc: int32(ldc)}
	*(*float32)(unsafe.Pointer(&p.alpha)) = alpha
	*(*float32)(unsafe.Pointer(&p.beta)) = beta
	o.call(o.sgemm, p, unsafe.Pointer(&b[0]), unsafe.Pointer(&a[0]), unsafe.Pointer(&c[0]))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
	argPool.Put(p)
}

// Dgemm is Sgemm in float64.
func (o *OpenBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		o.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkGemm(tA, tB, m, n, k, lda, ldb, ldc, len(a), len(b), len(c))
	p := argPool.Get().(*gemmArgs)
	*p = gemmArgs{transA: transChar(tB), transB: transChar(tA), m: int32(n), n: int32(m), k: int32(k),
		lda: int32(ldb), ldb: int32(lda), ldc: int32(ldc)}
	*(*float64)(unsafe.Pointer(&p.alpha)) = alpha
	*(*float64)(unsafe.Pointer(&p.beta)) = beta
	o.call(o.dgemm, p, unsafe.Pointer(&b[0]), unsafe.Pointer(&a[0]), unsafe.Pointer(&c[0]))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
	argPool.Put(p)
}

// call passes the 13 arguments of ?gemm_ by reference; first and second
// are the column-major A and B (our B and A).
func (o *OpenBLAS) call(fn uintptr, p *gemmArgs, first, second, c unsafe.Pointer) {
	p.first, p.second, p.c = first, second, c
	p.args = [13]uintptr{
		uintptr(unsafe.Pointer(&p.transA)), uintptr(unsafe.Pointer(&p.transB)),
		uintptr(unsafe.Pointer(&p.m)), uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.k)),
		uintptr(unsafe.Pointer(&p.alpha)),
		uintptr(p.first), uintptr(unsafe.Pointer(&p.lda)),
		uintptr(p.second), uintptr(unsafe.Pointer(&p.ldb)),
		uintptr(unsafe.Pointer(&p.beta)),
		uintptr(p.c), uintptr(unsafe.Pointer(&p.ldc)),
	}
	purego.SyscallN(fn, p.args[:]...)
	runtime.KeepAlive(p)
	p.first, p.second, p.c = nil, nil, nil // the pool holds nothing of the caller's
}
