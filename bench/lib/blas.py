# Which BLAS library this Python process has mapped, for the benchmark tables: Debian's torch
# calls whatever libblas.so.3 the alternatives system points at, and the reference BLAS (libblas3)
# is many times slower than OpenBLAS.


def blas_library():
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if 'blas' in line.lower() and '.so' in line}
        return ', '.join(sorted(p.rsplit('/', 2)[-2] + '/' + p.rsplit('/', 1)[-1] for p in libs))
    except OSError:
        return 'unknown'
