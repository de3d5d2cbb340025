package jcnn.viz;

/**
 * How a block of values (one filter, one feature map) becomes display intensities in [0, 1]. Each block is scaled
 * on its own, so that a weak map is as visible as a strong one; the pictures show patterns, not magnitudes.
 */
public enum Scaling {
    /** The block's minimum becomes 0 (black) and its maximum 1 (white); a constant block is all 0. */
    MIN_MAX,
    /**
     * Zero becomes 0.5 (grey), {@code ±max|v|} become 1 and 0: the sign stays visible, which suits filters whose
     * positive and negative weights both matter. An all-zero block is all grey.
     */
    SYMMETRIC;

    /** The intensities of {@code v[offset .. offset+length)}, a new array of that length. */
    public float[] apply(float[] v, int offset, int length) {
        float[] out = new float[length];
        if (length == 0) return out;
        if (this == MIN_MAX) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < length; i++) {
                float x = v[offset + i];
                if (x < lo) lo = x;
                if (x > hi) hi = x;
            }
            float range = hi - lo;
            if (!(range > 0) || !Float.isFinite(range)) return out;
            for (int i = 0; i < length; i++) out[i] = (v[offset + i] - lo) / range;
        } else {
            float m = 0;
            for (int i = 0; i < length; i++) m = Math.max(m, Math.abs(v[offset + i]));
            if (!(m > 0) || !Float.isFinite(m)) {
                java.util.Arrays.fill(out, 0.5f);
                return out;
            }
            for (int i = 0; i < length; i++) out[i] = 0.5f + 0.5f * v[offset + i] / m;
        }
        return out;
    }

    /** The same for a whole array. */
    public float[] apply(float[] v) {
        return apply(v, 0, v.length);
    }

    /** An intensity in [0, 1] as an 8-bit level (rounded, clamped). */
    public static int level(float intensity) {
        if (!(intensity > 0)) return 0;
        if (intensity >= 1) return 255;
        return Math.round(intensity * 255f);
    }
}
