package jcnn.viz;

/** Colour scales for heat maps: intensity in [0, 1] to 0xRRGGBB. */
public enum Colormap {
    /** Black → grey → white. */
    GREY,
    /** Black → red → yellow → white ("hot"): the eye finds the bright end at once. */
    HOT;

    /** The colour of one intensity (clamped to [0, 1]). */
    public int rgb(float t) {
        float v = Math.clamp(Float.isNaN(t) ? 0f : t, 0f, 1f);
        if (this == GREY) {
            int l = Scaling.level(v);
            return l << 16 | l << 8 | l;
        }
        int r = Scaling.level(v * 3f), g = Scaling.level(v * 3f - 1f), b = Scaling.level(v * 3f - 2f);
        return r << 16 | g << 8 | b;
    }

    /** The colours of many intensities. */
    public int[] apply(float[] t) {
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) out[i] = rgb(t[i]);
        return out;
    }
}
