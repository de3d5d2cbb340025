package jcnn.viz;

/**
 * How tiles are drawn: the {@link Scaling} of each block of values, about how many pixels wide a tile should be
 * (values are enlarged by a whole factor to get near it, never shrunk), and the gap between tiles in pixels.
 *
 * @param scaling    how values become intensities
 * @param tilePixels the wanted tile width in pixels; the scale is {@code round(tilePixels / tileWidth)}, at least 1
 * @param gap        pixels between and around tiles
 */
public record Style(Scaling scaling, int tilePixels, int gap) {
    /** Filters: min–max per filter, tiles about 40 pixels, 2-pixel gaps. */
    public static final Style FILTERS = new Style(Scaling.MIN_MAX, 40, 2);
    /** Feature maps: min–max per map, tiles about 56 pixels, 2-pixel gaps. */
    public static final Style MAPS = new Style(Scaling.MIN_MAX, 56, 2);
    /** Deconvnet reconstructions: zero is grey, as in Zeiler &amp; Fergus's figures. */
    public static final Style RECONSTRUCTIONS = new Style(Scaling.SYMMETRIC, 84, 4);

    public Style {
        if (scaling == null) throw new IllegalArgumentException("Style: scaling is null");
        if (tilePixels < 1) throw new IllegalArgumentException("Style: tilePixels must be >= 1, got " + tilePixels);
        if (gap < 0) throw new IllegalArgumentException("Style: gap must be >= 0, got " + gap);
    }

    public Style withScaling(Scaling s) {
        return new Style(s, tilePixels, gap);
    }

    public Style withTilePixels(int pixels) {
        return new Style(scaling, pixels, gap);
    }

    public Style withGap(int g) {
        return new Style(scaling, tilePixels, g);
    }

    /** The enlargement for tiles {@code tileWidth} values wide. */
    public int scaleFor(int tileWidth) {
        return TileGrid.scaleFor(tileWidth, tilePixels);
    }
}
