package jcnn.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Pictures stacked top to bottom, each under a one-line caption, on the {@link TileGrid#GAP} background: the
 * overview of a network's feature maps, a page of deconvnet reconstructions.
 */
public final class Sheet {
    private static final int MARGIN = 8;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private record Part(String caption, BufferedImage image) {}

    private final List<Part> parts = new ArrayList<>();

    /** Adds {@code image} under {@code caption} (null or empty: no caption line). */
    public Sheet add(String caption, BufferedImage image) {
        parts.add(new Part(caption == null ? "" : caption, image));
        return this;
    }

    /** The y where each part's picture starts in {@link #render()}'s result, in order (for tests and overlays). */
    public int[] pictureOffsets() {
        int[] out = new int[parts.size()];
        int y = MARGIN, line = lineHeight();
        for (int i = 0; i < parts.size(); i++) {
            if (!parts.get(i).caption.isEmpty()) y += line;
            out[i] = y;
            y += parts.get(i).image.getHeight() + MARGIN;
        }
        return out;
    }

    /** The x where every picture starts. */
    public int pictureX() {
        return MARGIN;
    }

    public BufferedImage render() {
        if (parts.isEmpty()) throw new IllegalStateException("Sheet: nothing to draw");
        int line = lineHeight();
        int width = 0, height = MARGIN;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(FONT);
        for (Part p : parts) {
            width = Math.max(width, Math.max(p.image.getWidth(), fm.stringWidth(p.caption)));
            height += (p.caption.isEmpty() ? 0 : line) + p.image.getHeight() + MARGIN;
        }
        pg.dispose();
        BufferedImage out = new BufferedImage(width + 2 * MARGIN, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(TileGrid.GAP);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        g.setColor(new Color(0xe8, 0xec, 0xf4));
        int[] ys = pictureOffsets();
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            if (!p.caption.isEmpty()) g.drawString(p.caption, MARGIN, ys[i] - line / 4 - 1);
            g.drawImage(p.image, MARGIN, ys[i], null);
        }
        g.dispose();
        return out;
    }

    private static int lineHeight() {
        return FONT.getSize() + 9;
    }
}
