package jcnn.kernel;

/**
 * Writes rows [r0, r0 + count) of one image's GEMM operand B, every column, in the packed panel layout of the
 * blocked GEMM ({@link ConvDriver#nr()} columns per panel, k-major, zero-padded), as rows [offset, offset + count)
 * of panels {@code depth} deep — so one block can be assembled from several images.
 */
@FunctionalInterface
interface PanelSource {
    void pack(int image, int r0, int count, float[] dst, int depth, int offset);
}
