package jcnn.viz;

import jcnn.nn.Conv2d;

/**
 * The learned filters of a {@link Conv2d} as a grid of tiles.
 *
 * <p>The weight is (out, in/groups, kH, kW). With three input channels per group the filters are drawn in colour,
 * one tile per filter, input channel 0/1/2 as red/green/blue (an RGB first layer shows the colours it looks for).
 * Otherwise each 2-D kernel gets a grey tile: tile {@code i = o·(in/groups) + c} shows filter {@code o} on input
 * channel {@code c}, one row per filter (one column per input channel), or a square-ish grid when there is one
 * input channel. Tile i therefore shows the weight values at {@code [i·kH·kW, (i+1)·kH·kW)}.
 *
 * <p>Each filter is normalised for display on its own, over all its input channels together, with the style's
 * {@link Scaling}: the tiles of one filter stay comparable, different filters need not be.
 */
public final class FilterImages {
    private FilterImages() {}

    /** The filters with {@link Style#FILTERS}, in colour when there are 3 input channels per group. */
    public static TileGrid grid(Conv2d conv) {
        return grid(conv, Style.FILTERS, true);
    }

    /**
     * @param colour draw 3-channel filters as colour tiles (otherwise one grey tile per input channel)
     */
    public static TileGrid grid(Conv2d conv, Style style, boolean colour) {
        int[] s = conv.weight().shape();
        int out = s[0], perGroup = s[1], kh = s[2], kw = s[3], plane = kh * kw, size = perGroup * plane;
        float[] w = conv.weight().value().data();
        int scale = style.scaleFor(Math.max(kh, kw));
        if (colour && perGroup == 3) {
            TileGrid grid = new TileGrid(out, kh, kw, 0, scale, style.gap());
            for (int o = 0; o < out; o++) {
                float[] v = style.scaling().apply(w, o * size, size);
                float[] r = new float[plane], g = new float[plane], b = new float[plane];
                System.arraycopy(v, 0, r, 0, plane);
                System.arraycopy(v, plane, g, 0, plane);
                System.arraycopy(v, 2 * plane, b, 0, plane);
                grid.drawColour(o, r, g, b);
            }
            return grid;
        }
        TileGrid grid = new TileGrid(out * perGroup, kh, kw, perGroup == 1 ? 0 : perGroup, scale, style.gap());
        for (int o = 0; o < out; o++) {
            float[] v = style.scaling().apply(w, o * size, size);
            for (int c = 0; c < perGroup; c++) {
                float[] tile = new float[plane];
                System.arraycopy(v, c * plane, tile, 0, plane);
                grid.drawGrey(o * perGroup + c, tile);
            }
        }
        return grid;
    }
}
