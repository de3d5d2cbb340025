package jcnn.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * A picture made of equal tiles in rows and columns with a gap between them and around them, each tile's pixels
 * enlarged {@code scale} times (nearest neighbour, so every value stays a crisp square).
 *
 * <p>Tile {@code i} sits in row {@code i / columns}, column {@code i % columns}; its top-left pixel is
 * ({@link #tileX(int)}, {@link #tileY(int)}) and its value (r, c) covers the {@code scale × scale} block from
 * {@code (tileX + c·scale, tileY + r·scale)}. The gaps have the colour {@link #GAP}, which is not a grey, so a
 * reader (or a test) can tell them from the tiles.
 */
public final class TileGrid {
    /** The colour between and around tiles: a dark blue, distinct from every grey level. */
    public static final Color GAP = new Color(0x1c, 0x24, 0x3a);

    private final int count, tileHeight, tileWidth, columns, rows, scale, gap;
    private final BufferedImage image;

    /**
     * @param count      how many tiles
     * @param tileHeight tile height in values
     * @param tileWidth  tile width in values
     * @param columns    tiles per row (0: about square, {@code ceil(sqrt(count))})
     * @param scale      pixels per value along each axis (≥ 1)
     * @param gap        pixels between and around tiles (≥ 0)
     */
    public TileGrid(int count, int tileHeight, int tileWidth, int columns, int scale, int gap) {
        if (count < 1) throw new IllegalArgumentException("TileGrid: need at least one tile, got " + count);
        if (tileHeight < 1 || tileWidth < 1) throw new IllegalArgumentException("TileGrid: tile size " + tileHeight + "x" + tileWidth + " is empty");
        if (scale < 1) throw new IllegalArgumentException("TileGrid: scale must be >= 1, got " + scale);
        if (gap < 0) throw new IllegalArgumentException("TileGrid: gap must be >= 0, got " + gap);
        if (columns < 0) throw new IllegalArgumentException("TileGrid: columns must be >= 0, got " + columns);
        this.count = count;
        this.tileHeight = tileHeight;
        this.tileWidth = tileWidth;
        this.columns = columns == 0 ? (int) Math.ceil(Math.sqrt(count)) : Math.min(columns, count);
        this.rows = (count + this.columns - 1) / this.columns;
        this.scale = scale;
        this.gap = gap;
        long w = (long) this.columns * (tileWidth * scale + gap) + gap, h = (long) rows * (tileHeight * scale + gap) + gap;
        if (w * h > 64L << 20) throw new IllegalArgumentException("TileGrid: " + w + "x" + h + " pixels is too large a picture");
        image = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(GAP);
        g.fillRect(0, 0, (int) w, (int) h);
        g.dispose();
    }

    /** A scale that makes a tile about {@code targetPixels} wide (at least 1). */
    public static int scaleFor(int tileSize, int targetPixels) {
        return Math.max(1, Math.round((float) targetPixels / Math.max(1, tileSize)));
    }

    public int count() { return count; }
    public int columns() { return columns; }
    public int rows() { return rows; }
    public int scale() { return scale; }
    public int gap() { return gap; }
    public int tileHeight() { return tileHeight; }
    public int tileWidth() { return tileWidth; }
    public int width() { return image.getWidth(); }
    public int height() { return image.getHeight(); }

    /** The x of tile i's top-left pixel. */
    public int tileX(int i) {
        check(i);
        return gap + (i % columns) * (tileWidth * scale + gap);
    }

    /** The y of tile i's top-left pixel. */
    public int tileY(int i) {
        check(i);
        return gap + (i / columns) * (tileHeight * scale + gap);
    }

    /** Draws tile i from intensities in [0, 1], row-major (tileHeight × tileWidth), as grey levels. */
    public TileGrid drawGrey(int i, float[] intensity) {
        checkLength(intensity, "intensities");
        int[] rgb = new int[intensity.length];
        for (int p = 0; p < rgb.length; p++) {
            int l = Scaling.level(intensity[p]);
            rgb[p] = l << 16 | l << 8 | l;
        }
        return drawRgb(i, rgb);
    }

    /** Draws tile i from red, green and blue intensities in [0, 1]. */
    public TileGrid drawColour(int i, float[] red, float[] green, float[] blue) {
        checkLength(red, "red");
        checkLength(green, "green");
        checkLength(blue, "blue");
        int[] rgb = new int[red.length];
        for (int p = 0; p < rgb.length; p++) {
            rgb[p] = Scaling.level(red[p]) << 16 | Scaling.level(green[p]) << 8 | Scaling.level(blue[p]);
        }
        return drawRgb(i, rgb);
    }

    /** Draws tile i from packed 0xRRGGBB values, row-major. */
    public TileGrid drawRgb(int i, int[] rgb) {
        checkLength(rgb.length, "pixels");
        int x0 = tileX(i), y0 = tileY(i);
        for (int r = 0; r < tileHeight; r++) {
            for (int c = 0; c < tileWidth; c++) {
                int v = rgb[r * tileWidth + c];
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) image.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, v);
                }
            }
        }
        return this;
    }

    /** The picture (drawn into as tiles are drawn). */
    public BufferedImage image() {
        return image;
    }

    private void check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("TileGrid: tile " + i + " outside [0, " + count + ")");
    }

    private void checkLength(float[] v, String what) {
        checkLength(v.length, what);
    }

    private void checkLength(int n, String what) {
        if (n != tileHeight * tileWidth) {
            throw new IllegalArgumentException("TileGrid: " + n + " " + what + " for a " + tileHeight + "x" + tileWidth + " tile");
        }
    }
}
