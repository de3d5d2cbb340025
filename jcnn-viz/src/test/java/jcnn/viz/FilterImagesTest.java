package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import jcnn.nn.Conv2d;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class FilterImagesTest {

    static Conv2d conv(int in, int out, int k, long seed) {
        Conv2d c = new Conv2d(in, out, k);
        c.weight().value().copyFrom(Tensor.randn(new SplittableRandom(seed), 1f, c.weight().shape()));
        return c;
    }

    static int grey(BufferedImage img, int x, int y) {
        int p = img.getRGB(x, y) & 0xffffff;
        int r = p >> 16 & 0xff, g = p >> 8 & 0xff, b = p & 0xff;
        assertEquals(r, g, "not a grey pixel at " + x + "," + y);
        assertEquals(g, b, "not a grey pixel at " + x + "," + y);
        return r;
    }

    @Test
    void gridHasTheExpectedPixelSizeAndLayout() {
        Conv2d c = conv(1, 6, 5, 1);
        TileGrid g = FilterImages.grid(c, new Style(Scaling.MIN_MAX, 20, 2), true);
        // 6 tiles: 3 columns, 2 rows; 5 values x scale 4 = 20 pixels per tile; 2-pixel gaps between and around.
        assertEquals(3, g.columns());
        assertEquals(2, g.rows());
        assertEquals(4, g.scale());
        assertEquals(3 * (20 + 2) + 2, g.image().getWidth());
        assertEquals(2 * (20 + 2) + 2, g.image().getHeight());
        assertEquals(2, g.tileX(0));
        assertEquals(2 + 22 * 2, g.tileX(2));
        assertEquals(2 + 22, g.tileY(3));
        assertEquals(2, g.tileX(3));
        // Gaps keep the gap colour; the unused sixth slot does not exist (6 tiles fill 3x2 exactly).
        assertEquals(TileGrid.GAP.getRGB() & 0xffffff, g.image().getRGB(0, 0) & 0xffffff);
        assertEquals(TileGrid.GAP.getRGB() & 0xffffff, g.image().getRGB(22 + 1, 10) & 0xffffff);
    }

    @Test
    void tileIShowsFilterINormalisedOnItsOwn() {
        Conv2d c = conv(1, 5, 3, 7);
        c.weight().value().data()[9 * 2] *= 40; // one filter with a huge weight must not dim the others
        Style style = new Style(Scaling.MIN_MAX, 9, 1);
        TileGrid g = FilterImages.grid(c, style, true);
        float[] w = c.weight().value().data();
        for (int i = 0; i < 5; i++) {
            float[] expected = Scaling.MIN_MAX.apply(w, i * 9, 9);
            for (int r = 0; r < 3; r++) {
                for (int col = 0; col < 3; col++) {
                    int want = Scaling.level(expected[r * 3 + col]);
                    for (int d = 0; d < g.scale(); d++) {
                        int x = g.tileX(i) + col * g.scale() + d, y = g.tileY(i) + r * g.scale() + (g.scale() - 1 - d);
                        assertEquals(want, grey(g.image(), x, y), "tile " + i + " value (" + r + ", " + col + ")");
                    }
                }
            }
            // min -> black and max -> white inside every tile
            int lo = 255, hi = 0;
            for (int p = 0; p < 9; p++) {
                int v = grey(g.image(), g.tileX(i) + (p % 3) * g.scale(), g.tileY(i) + (p / 3) * g.scale());
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            assertEquals(0, lo);
            assertEquals(255, hi);
        }
    }

    @Test
    void aHotPixelInFilterILightsOnlyTileI() {
        Conv2d c = new Conv2d(1, 4, 2);
        c.weight().value().fill(0f);
        for (int o = 0; o < 4; o++) c.weight().value().set(1f, o, 0, o / 2, o % 2); // filter o: one 1 at position o
        TileGrid g = FilterImages.grid(c, new Style(Scaling.MIN_MAX, 2, 1), true);
        for (int i = 0; i < 4; i++) {
            for (int p = 0; p < 4; p++) {
                int v = grey(g.image(), g.tileX(i) + p % 2, g.tileY(i) + p / 2);
                assertEquals(p == i ? 255 : 0, v, "tile " + i + " pixel " + p);
            }
        }
    }

    @Test
    void severalInputChannelsGiveOneRowPerFilterNormalisedPerFilter() {
        Conv2d c = conv(2, 3, 3, 3);
        float[] w = c.weight().value().data();
        for (int i = 0; i < 9; i++) w[i] *= 10; // filter 0, channel 0 much stronger than its channel 1
        TileGrid g = FilterImages.grid(c, new Style(Scaling.MIN_MAX, 3, 1), true);
        assertEquals(6, g.count());
        assertEquals(2, g.columns()); // one column per input channel
        assertEquals(3, g.rows());
        for (int o = 0; o < 3; o++) {
            float[] expected = Scaling.MIN_MAX.apply(w, o * 18, 18);
            for (int ch = 0; ch < 2; ch++) {
                int tile = o * 2 + ch;
                assertEquals(g.tileY(o * 2), g.tileY(tile), "filter " + o + " keeps one row");
                for (int p = 0; p < 9; p++) {
                    assertEquals(Scaling.level(expected[ch * 9 + p]), grey(g.image(), g.tileX(tile) + p % 3, g.tileY(tile) + p / 3));
                }
            }
        }
    }

    @Test
    void threeInputChannelsAreDrawnInColour() {
        Conv2d c = new Conv2d(3, 2, 2);
        c.weight().value().fill(0f);
        c.weight().value().set(1f, 0, 0, 0, 0); // filter 0: red at the top left
        c.weight().value().set(1f, 0, 2, 1, 1); // and blue at the bottom right
        c.weight().value().set(-1f, 1, 1, 0, 1); // filter 1: negative green at the top right
        TileGrid g = FilterImages.grid(c, new Style(Scaling.MIN_MAX, 2, 1), true);
        assertEquals(2, g.count());
        BufferedImage img = g.image();
        assertEquals(0xff0000, img.getRGB(g.tileX(0), g.tileY(0)) & 0xffffff);
        assertEquals(0x0000ff, img.getRGB(g.tileX(0) + 1, g.tileY(0) + 1) & 0xffffff);
        assertEquals(0x000000, img.getRGB(g.tileX(0) + 1, g.tileY(0)) & 0xffffff);
        // filter 1: min -1 -> 0, 0 -> 1: everything white except green missing at the top right
        assertEquals(0xff00ff, img.getRGB(g.tileX(1) + 1, g.tileY(1)) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(g.tileX(1), g.tileY(1)) & 0xffffff);
        // without colour: 6 grey tiles
        assertEquals(6, FilterImages.grid(c, Style.FILTERS, false).count());
    }

    @Test
    void symmetricScalingMakesZeroGrey() {
        float[] v = Scaling.SYMMETRIC.apply(new float[] {-2f, 0f, 1f, 2f});
        assertEquals(0f, v[0]);
        assertEquals(0.5f, v[1]);
        assertEquals(0.75f, v[2]);
        assertEquals(1f, v[3]);
        float[] z = Scaling.SYMMETRIC.apply(new float[] {0f, 0f});
        assertEquals(0.5f, z[0]);
        float[] constant = Scaling.MIN_MAX.apply(new float[] {3f, 3f});
        assertEquals(0f, constant[1]);
        assertTrue(Scaling.level(0.5f) == 128);
    }
}
