package jcnn.testing;

import jcnn.tensor.Tensor;

/**
 * Convolutions computed straight from their definitions, in double, with no im2col and no GEMM: an independent
 * reference for the layers. Padding is {top, bottom, left, right}.
 */
public final class DirectConv {
    private DirectConv() {}

    /** y[n][m][oh][ow] = b[m] + Σ_{c in group, i, j} w[m][c][i][j] · x[n][c][oh·sh - pt + i·dh][ow·sw - pl + j·dw]. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int sh, int sw, int[] pad, int dh, int dw, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int m = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
        int oh = (h + pad[0] + pad[1] - dh * (kh - 1) - 1) / sh + 1;
        int ow = (wd + pad[2] + pad[3] - dw * (kw - 1) - 1) / sw + 1;
        int mg = m / groups;
        Tensor y = Tensor.zeros(n, m, oh, ow);
        for (int in = 0; in < n; in++)
            for (int om = 0; om < m; om++) {
                int gi = om / mg;
                for (int yi = 0; yi < oh; yi++)
                    for (int xi = 0; xi < ow; xi++) {
                        double s = b == null ? 0 : b.data()[om];
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int r = yi * sh - pad[0] + i * dh, q = xi * sw - pad[2] + j * dw;
                                    if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                    s += (double) w.get(om, ci, i, j) * x.get(in, gi * cg + ci, r, q);
                                }
                        y.set((float) s, in, om, yi, xi);
                    }
            }
        return y;
    }

    /**
     * Transposed convolution by its scatter definition: every input pixel x[n][c][r][q] adds
     * x·w[c][o][i][j] to out[n][g·og + o][r·sh - ph + i·dh][q·sw - pw + j·dw].
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, int sh, int sw, int ph, int pw,
                                         int oph, int opw, int dh, int dw, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int og = w.size(1), kh = w.size(2), kw = w.size(3);
        int cg = c / groups, outC = og * groups;
        int oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
        int ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        double[] acc = new double[n * outC * oh * ow];
        for (int in = 0; in < n; in++)
            for (int ci = 0; ci < c; ci++) {
                int gi = ci / cg;
                for (int r = 0; r < h; r++)
                    for (int q = 0; q < wd; q++) {
                        double v = x.get(in, ci, r, q);
                        for (int o = 0; o < og; o++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int yr = r * sh - ph + i * dh, yq = q * sw - pw + j * dw;
                                    if (yr < 0 || yr >= oh || yq < 0 || yq >= ow) continue;
                                    acc[((in * outC + gi * og + o) * oh + yr) * ow + yq] += v * w.get(ci, o, i, j);
                                }
                    }
            }
        Tensor y = Tensor.zeros(n, outC, oh, ow);
        for (int i = 0; i < acc.length; i++) {
            int co = (i / (oh * ow)) % outC;
            y.data()[i] = (float) (acc[i] + (b == null ? 0 : b.data()[co]));
        }
        return y;
    }
}
