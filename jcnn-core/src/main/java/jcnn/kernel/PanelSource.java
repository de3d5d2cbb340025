package jcnn.kernel;

/**
 * Writes rows [r0, r0 + kc) of one image's GEMM operand B, every column, in the packed panel layout of the
 * blocked GEMM ({@link ConvDriver#nr()} columns per panel, k-major, zero-padded). Convolution produces its
 * operands this way straight from the image (im2col into panels), so no column matrix is ever stored.
 */
@FunctionalInterface
interface PanelSource {
    void pack(int image, int r0, int kc, float[] dst);
}
